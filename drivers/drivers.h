/* Bring up the devices: called once by start_kernel after smp_init. */
#ifndef DRIVERS_DRIVERS_H
#define DRIVERS_DRIVERS_H

void drivers_init(void);

#endif
