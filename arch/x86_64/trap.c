/*
 * The IDT and trap dispatch. Exceptions are reported with their vector,
 * error code, RIP and (for page faults) CR2. A page fault first goes to the
 * generic mm fault handler; only when mm cannot resolve it does it become a
 * kernel panic with the full register dump.
 */
#include "gdt.h"
#include "io.h"
#include "trap.h"
#include "kernel/ipi.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/stats.h"
#include "mm/fault.h"

struct idt_entry {
	u16 offset_lo, selector;
	u8 ist, type;
	u16 offset_mid;
	u32 offset_hi, zero;
} __packed;

static struct idt_entry idt[256] __aligned(16);
extern const u64 trap_stub_table[256];

static struct {
	irq_handler_t fn;
	void *arg;
	bool eoi_first;
} irq_handlers[256];

void (*irq_eoi)(void);

static DEFINE_STAT_COUNTER(page_faults);
static DEFINE_STAT_COUNTER(interrupts);

static const char *const exception_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 floating point",
	"alignment check",
	"machine check",
	"SIMD floating point",
	"virtualization",
	"control protection",
};

void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		u64 addr = trap_stub_table[v];
		idt[v] = (struct idt_entry){
			.offset_lo = (u16)addr,
			.selector = GDT_KERNEL_CODE,
			.ist = v == 8	? IST_DOUBLE_FAULT
			       : v == 2 ? IST_NMI
					: 0,
			.type = 0x8e, /* present, DPL 0, interrupt gate */
			.offset_mid = (u16)(addr >> 16),
			.offset_hi = (u32)(addr >> 32),
		};
	}
}

void idt_load(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed ptr = { sizeof(idt) - 1, (u64)idt };
	__asm__ __volatile__("lidt %0" : : "m"(ptr));
}

void irq_register(unsigned vector, irq_handler_t fn, void *arg)
{
	ASSERT(vector >= VEC_IRQ_BASE && vector < 256);
	irq_handlers[vector].arg = arg;
	__atomic_store_n(&irq_handlers[vector].fn, fn, __ATOMIC_RELEASE);
}

/*
 * For interrupts the local APIC raises itself (its timer, IPIs): the EOI is
 * sent before the handler runs, as Linux does. The handler still runs with
 * interrupts off, but if it switches to another task (a scheduler tick) or
 * re-enables interrupts, the in-service bit no longer holds back every
 * interrupt of the same priority class (0xf0-0xff share one).
 */
void irq_register_eoi_first(unsigned vector, irq_handler_t fn, void *arg)
{
	irq_handlers[vector].eoi_first = true;
	irq_register(vector, fn, arg);
}

void trap_dump_frame(const struct trap_frame *f)
{
	printk(LOG_EMERG, "  rip %016lx cs %04lx rflags %016lx rsp %016lx ss %04lx\n", f->rip,
	       f->cs, f->rflags, f->rsp, f->ss);
	printk(LOG_EMERG, "  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx,
	       f->rdx);
	printk(LOG_EMERG, "  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", f->rsi, f->rdi, f->rbp,
	       f->r8);
	printk(LOG_EMERG, "  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", f->r9, f->r10, f->r11,
	       f->r12);
	printk(LOG_EMERG, "  r13 %016lx r14 %016lx r15 %016lx cr2 %016lx cr3 %016lx\n", f->r13,
	       f->r14, f->r15, read_cr2(), read_cr3());
}

static __noreturn void trap_fatal(struct trap_frame *f, const char *what)
{
	unsigned long off;
	const char *sym = ksym_lookup(f->rip, &off);

	arch_irq_disable();
	printk(LOG_EMERG,
	       "\ntrap: %s (vector %lu, error code %#lx) at rip %#lx (%s+%#lx) on cpu %u\n", what,
	       f->vector, f->error_code, f->rip, sym, off, arch_cpu_id());
	trap_dump_frame(f);
	arch_backtrace(f->rbp);
	panic("unhandled %s at rip %#lx", what, f->rip);
}

static void page_fault(struct trap_frame *f)
{
	unsigned long addr = read_cr2();
	unsigned flags = 0;

	stat_inc(page_faults);
	if (f->error_code & 0x1)
		flags |= FAULT_FLAG_PRESENT;
	if (f->error_code & 0x2)
		flags |= FAULT_FLAG_WRITE;
	if (f->error_code & 0x4)
		flags |= FAULT_FLAG_USER;
	if (f->error_code & 0x10)
		flags |= FAULT_FLAG_INSTRUCTION;
	if (f->error_code & 0x8)
		flags |= FAULT_FLAG_RESERVED_BIT;
	/*
	 * mm may sleep, and may end the task (a killed task ends at its next
	 * fault): never where interrupts were off. No access to user memory
	 * runs there; a fault there is a kernel bug (a bad pointer inside a
	 * spinlock's section), and handled as a user fault it would end a
	 * killed task silently with the lock held, hanging every CPU that
	 * takes it next.
	 */
	if (!(f->rflags & (1ul << 9))) {
		printk(LOG_EMERG,
		       "\ntrap: page fault at address %#lx with interrupts off, rip %#lx, "
		       "cpu %u: a kernel bug (no user access runs with interrupts off)\n",
		       addr, f->rip, arch_cpu_id());
		trap_fatal(f, "page fault");
	}
	arch_irq_enable();
	int err = mm_handle_page_fault(addr, flags, f->rip);
	arch_irq_disable();
	if (err == 0)
		return;
	printk(LOG_EMERG,
	       "\ntrap: page fault at address %#lx (%s %s%s), error code %#lx, "
	       "rip %#lx, cpu %u\n",
	       addr, f->error_code & 2 ? "write" : "read",
	       f->error_code & 1 ? "protection" : "not-present",
	       f->error_code & 8 ? ", reserved bit" : "", f->error_code, f->rip, arch_cpu_id());
	trap_fatal(f, "page fault");
}

void trap_dispatch(struct trap_frame *f)
{
	unsigned v = (unsigned)f->vector;

	if (v == VEC_PAGE_FAULT) {
		page_fault(f);
		return;
	}
	if (v == VEC_NMI && nmi_cpu_backtrace(f->rip, f->rbp, f->rflags & (1ul << 9)))
		return;
	if (v < 32)
		trap_fatal(f, exception_names[v] ? exception_names[v] : "reserved exception");
	stat_inc(interrupts);
	bool eoi_first = irq_handlers[v].eoi_first;
	if (eoi_first && irq_eoi)
		irq_eoi();
	if (irq_handlers[v].fn) {
		irq_handlers[v].fn(f, irq_handlers[v].arg);
	} else if (v != VEC_SPURIOUS) {
		pr_warn("trap: unexpected interrupt vector %u on cpu %u\n", v, arch_cpu_id());
	}
	if (!eoi_first && v != VEC_SPURIOUS && irq_eoi)
		irq_eoi();
}
