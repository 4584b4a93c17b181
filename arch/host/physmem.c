/*
 * arch/host "physical memory": one large anonymous mapping. Physical
 * address 0 is its first byte, so pfns start at 0 as on a PC and the
 * allocator sees the same shapes. MAP_NORESERVE: pages the tests never
 * touch cost nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <asm/page.h>

char *host_phys_base;
size_t host_phys_size;

void host_phys_init(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("host: mmap of the physical memory arena");
		exit(2);
	}
	host_phys_base = p;
	host_phys_size = bytes;
}
