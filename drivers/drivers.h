/* Bring up the devices: called once by start_kernel after smp_init.
 * -EINVAL (reported) for a command line naming a device none is. */
#ifndef DRIVERS_DRIVERS_H
#define DRIVERS_DRIVERS_H

int drivers_init(void);

#endif
