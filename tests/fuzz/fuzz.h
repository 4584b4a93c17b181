/*
 * What every libFuzzer target (tests/fuzz/fuzz_*.c) shares. Each target
 * links one parser with fuzz_shim.c, which stands in for the kernel's
 * printk and panic:
 *   - messages are formatted (so a bad argument is still caught by ASan)
 *     and dropped, or printed to stderr when FUZZ_VERBOSE is set;
 *   - panic() aborts, so the fuzzer reports it as a crash. None of these
 *     parsers has panic as its clean stop: they refuse bad input by
 *     returning an error, and a panic on input is a finding.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
