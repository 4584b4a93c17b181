/* start_kernel(): the generic boot sequence, called by the arch entry. */
#ifndef KERNEL_MAIN_H
#define KERNEL_MAIN_H

#include "bootinfo.h"
#include "compiler.h"

__noreturn void start_kernel(struct bootinfo *bi);

/* Power off with a TAP-friendly last word; status 0 means success. */
__noreturn void kernel_poweroff(int status);

#endif
