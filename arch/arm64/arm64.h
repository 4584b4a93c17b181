/*
 * What the arm64 arch files tell each other (not an interface for mm/ or
 * kernel/: that is the asm/ headers). struct arm64_platform is the machine as the
 * device tree describes it, filled once by setup.c before anything uses it.
 */
#ifndef ARCH_ARM64_ARM64_H
#define ARCH_ARM64_ARM64_H

#include <asm/cpu.h>
#include "kernel/atomic.h"
#include "kernel/compiler.h"
#include "kernel/types.h"

/* PSCI_UNKNOWN until setup.c has read the tree's /psci (psci.c's
 * psci_system_off then tries only a conduit that is safe blind). */
enum psci_conduit { PSCI_UNKNOWN, PSCI_NONE, PSCI_HVC, PSCI_SMC };
/* The interrupt controller: an Arm GIC (gic.c), or the Raspberry Pi 2/3's
 * BCM2836 "ARM local" block (bcm2836_intc.c), which gic.c hands over to. */
enum arm64_irqchip { IRQCHIP_GIC, IRQCHIP_BCM2836 };

struct arm64_platform {
	bool is_virtual; /* QEMU virt ("linux,dummy-virt") */
	u64 uart_base;	 /* PL011 */
	int gic_version; /* 2 or 3 */
	u64 gicd_base;	 /* distributor */
	u64 gicc_base;	 /* v2 CPU interface */
	u64 gicr_base;	 /* v3 redistributors (first region) */
	u64 gicr_size;
	enum arm64_irqchip irqchip;
	u64 local_intc_base; /* BCM2836 ARM local block (0x40000000 on a Pi 3) */
	u32 timer_intid;     /* virtual timer PPI (INTID 27 on QEMU virt) */
	enum psci_conduit psci;
	/* The EL the loader entered us at (1 or 2): for psci.c's blind
	 * SYSTEM_OFF. */
	unsigned entry_el;
	/* /cpus, in tree order (fdt_parse_cpus); the boot CPU among them. */
	unsigned nr_cpus;
	struct {
		u64 mpidr;
		bool psci;	  /* enable-method "psci" */
		u64 release_addr; /* enable-method "spin-table": cpu-release-addr */
	} cpus[NR_CPUS_MAX];
};

extern struct arm64_platform platform;
struct trap_frame;
extern bool semihosting_enabled;

/* cpu.c */
void time_init(void);
u64 arm64_counter(void);
u64 arm64_counter_freq(void);
/* psci.c */
#define PSCI_RET_NOT_SUPPORTED (-1)
long psci_call(u64 fn, u64 a1, u64 a2, u64 a3);
/* Returns only when the machine is still on: why it could not power off. */
const char *psci_system_off(void);
/* trap.c: an undefined-instruction exception at a blind PSCI call's HVC
 * or SMC, or at semihosting's HLT, returns PSCI_RET_NOT_SUPPORTED from
 * it; true when it was one. */
bool psci_fixup_undefined(struct trap_frame *f);
/* Returns only when no semihosting host took the call. */
void semihosting_exit(int status);
/* uart.c */
void uart_init_early(u64 image_phys);
void uart_init(u64 base);
/* gic.c */
void gic_init(void);
void gic_init_cpu(unsigned cpu);
void gic_set_percpu_handler(unsigned intid, void (*fn)(struct trap_frame *, void *), void *arg);
void gic_enable_percpu(unsigned intid, bool level);
void gic_send_sgi(unsigned cpu, unsigned sgi);
const char *gic_name(void);
unsigned gic_last_spi(void);
void gic_raise_spi(unsigned intid);
void irq_handle_percpu(unsigned intid, struct trap_frame *f);
/* bcm2836_intc.c */
struct fdt;
bool bcm2836_intc_probe(const struct fdt *f);
void bcm2836_intc_init(void);
void bcm2836_intc_init_cpu(unsigned cpu);
void bcm2836_intc_enable_percpu(unsigned intid);
void bcm2836_intc_send_ipi(unsigned cpu, unsigned ipi);
void bcm2836_intc_handle_irq(struct trap_frame *f);
unsigned bcm2836_intc_core(unsigned cpu);
u32 bcm2836_intc_timer_lines(unsigned cpu);
extern u64 bcm2836_timer_irqs[4], bcm2836_ipi_irqs[4];
/* smp.c: starts the boot CPU gave up on (their MPIDRs); CPUs that
 * arrived after that and parked or powered off; the smp.late_cpu key
 * (0: none). */
extern unsigned smp_cpus_abandoned;
extern u64 smp_abandoned_mpidr[];
extern atomic_t smp_cpus_parked_late;
extern u64 smp_late_cpu;
/* spin_table.c */
int spin_table_cpu_start(unsigned slot, u64 release_addr);
void spin_table_entries(void);
/* timer.c */
void timer_init_cpu(void);
/* smp.c */
void smp_init_boot_cpu(void);

#endif
