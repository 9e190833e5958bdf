/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/reset.c — the known state every row of a batch starts from (docs/protocol.md,
 * "Batches").
 *
 * Memory: .data and .bss except .noreset (the boot stack, this snapshot, the #VE pages that
 * guest_ve_arm() sets up for each row using them, guest/ve.c; the information area among
 * them is zeroed here) are copied once
 * after the CPU is set up and copied back before each row: the IDT (gates, IST, DPL,
 * present bits), the GDT and TSS, the guest's page tables (present and U/S bits, the split
 * 2 MiB region), the trace, the counters of the checks and every row's own statics.
 * Registers are then loaded again from that memory or set to their boot values: GDTR, the
 * segment registers and TR (SDM 7.2.4: LTR wants an available TSS, so gdt_init() writes the
 * descriptor again), IDTR, CR0 (AM, TS, EM, MP), CR3 (flushes the TLB, SDM 4.10.4.1), CR4
 * (DE, OSFXSR, OSXMMEXCPT), CR2, DR0-DR3, DR6 and DR7 (SDM 17.2), the x87 and SSE control
 * state, RFLAGS (AC, TF, DF, IF, IOPL, NT), the 8259A masks. Then pending events: NMI
 * blocking ends with an IRET (SDM 6.7.1), the local APIC's TPR is 0 and its timer masked
 * (SDM 10.5.1, 10.8.3.1), every in-service interrupt gets its EOI (SDM 10.8.5), and
 * interrupts still pending in IRR (a self-IPI a row left held by its TPR or by IF=0) are
 * taken with IF=1 for a moment into a handler that only ends them (guest_draining: no
 * trace, no row's hook); an IRR still not empty after that ends the batch (the runner runs
 * the rest again). Before the copy, IF, TF and DR7 are cleared, so that neither an interrupt,
 * a single-step trap nor a row's data breakpoint fires while memory is restored. EFER.SCE and the
 * SYSCALL MSRs stay as a user-mode row set them: guest_run_user() sets all of them before each use.
 */
#include "guest/batch.h"
#include "guest/guest.h"
#include "lib/desc.h"
#include "lib/string.h"
#include "lib/x86.h"

extern char __data_start[], __load_end[], __bss_start[], __reset_end[];
extern uint64_t boot_pd[4 * 512];

#define SNAPSHOT_SIZE (192 * 1024)
static uint8_t snapshot[SNAPSHOT_SIZE] __attribute__((section(".noreset"), aligned(4096)));
static struct {
    uint64_t cr0, cr3, cr4;
} boot __attribute__((section(".noreset")));

#define CR0_MP         (1ul << 1)
#define CR0_EM         (1ul << 2)
#define CR0_TS         (1ul << 3)
#define CR4_OSFXSR     (1ul << 9)
#define DR7_RESET      0x400ul      /* SDM 17.2.4: bit 10 reads as 1 */
#define DR6_RESET      0xffff0ff0ul /* SDM 17.2.3 */
#define MXCSR_DEFAULT  0x1f80u      /* SDM Vol. 1 10.2.3.1: all exceptions masked */
#define APIC_TPR       0x080
#define APIC_LVT_TIMER 0x320
#define APIC_TMICT     0x380
#define APIC_LVT_MASK  (1u << 16)

/* 8-byte copies: one REP MOVSQ, a few thousand emulated iterations per row on Bochs. */
static void copy_quads(void *dst, const void *src, size_t bytes)
{
    size_t n = bytes / 8;
    __asm__ volatile("cld; rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static size_t data_size(void)
{
    return (size_t)(__load_end - __data_start);
}

static size_t bss_size(void)
{
    return (size_t)(__reset_end - __bss_start);
}

bool guest_snapshot_take(void)
{
    if (data_size() + bss_size() > SNAPSHOT_SIZE || data_size() % 8 || bss_size() % 8)
        return false;
    copy_quads(snapshot, __data_start, data_size());
    copy_quads(snapshot + data_size(), __bss_start, bss_size());
    boot.cr0 = read_cr0();
    boot.cr3 = read_cr3();
    boot.cr4 = read_cr4();
    return true;
}

/* An IRET ends blocking by NMI (SDM 6.7.1): a row that ended inside its NMI handler, or
 * whose NMI is still held back, must not leave the next row's NMIs blocked. */
static void nmi_unblock(void)
{
    iret_to_self();
}

bool guest_draining __attribute__((section(".noreset")));

/* Any bit of the 256-bit ISR or IRR (SDM 10.8.4: eight 32-bit registers, 16 bytes apart). */
static bool apic_any(unsigned reg)
{
    for (unsigned r = 0; r < 8; r++)
        if (mmio_read32(APIC_BASE + reg + 0x10 * r))
            return true;
    return false;
}

static bool apic_any_in_service(void)
{
    return apic_any(APIC_ISR);
}

static void apic_end_all(void)
{
    for (unsigned i = 0; i < 256 && apic_any_in_service(); i++)
        apic_eoi(); /* EOI ends the highest-priority in-service interrupt (SDM 10.8.5) */
}

static void events_drain(void)
{
    guest_draining = true;
    nmi_unblock(); /* an NMI held back by blocking arrives here */
    mmio_write32(APIC_BASE + APIC_LVT_TIMER, APIC_LVT_MASK);
    mmio_write32(APIC_BASE + APIC_TMICT, 0);
    mmio_write32(APIC_BASE + APIC_TPR, 0);
    apic_end_all();
    irq_enable();
    for (unsigned i = 0; i < 16; i++)
        cpu_relax();
    irq_disable();
    apic_end_all();
    guest_draining = false;
    if (apic_any(APIC_IRR))
        guest_finish("ERROR", "an interrupt stayed pending in IRR through the reset between rows "
                              "(guest/reset.c)");
}

static void registers_reset(void)
{
    gdt_init(); /* GDTR, CS, DS, ES, SS, TR */
    struct desc_ptr idtr = {4095, idt_base()};
    __asm__ volatile("lidt %0\n\t"
                     "movw %w1, %%fs\n\t"
                     "movw %w1, %%gs" ::"m"(idtr),
                     "r"(0)
                     : "memory");
    __asm__ volatile("movq %0, %%dr7\n\t"
                     "movq %1, %%dr0\n\t"
                     "movq %1, %%dr1\n\t"
                     "movq %1, %%dr2\n\t"
                     "movq %1, %%dr3" ::"r"(DR7_RESET),
                     "r"(0ul));
    write_dr6(DR6_RESET);
    write_cr2(0);
    if (!(boot.cr0 & (CR0_EM | CR0_TS)))
        __asm__ volatile("fninit");
    if (boot.cr4 & CR4_OSFXSR) {
        uint32_t mxcsr = MXCSR_DEFAULT;
        __asm__ volatile("ldmxcsr %0" ::"m"(mxcsr));
    }
    __asm__ volatile("pushq $2\n\tpopfq" ::: "memory", "cc"); /* IF, TF, AC, DF, NT, IOPL 0 */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

void guest_reset(void)
{
    /* IF, TF, AC 0; DR7 only bit 10 (SDM 17.2.4): nothing fires during the copy */
    __asm__ volatile("pushq $2\n\tpopfq\n\tmovq %0, %%dr7" ::"r"(DR7_RESET) : "memory", "cc");
    write_cr0(boot.cr0);
    write_cr4(boot.cr4);
    /* the page directories first: a row may have left a page of .bss not present in its own
     * page tables (PERTURB_INTERCEPT_GUEST_NOT_PRESENT), and the copy below writes it */
    copy_quads(boot_pd, snapshot + data_size() + ((char *)boot_pd - __bss_start),
               sizeof(uint64_t) * 4 * 512);
    write_cr3(boot.cr3);
    copy_quads(__data_start, snapshot, data_size());
    copy_quads(__bss_start, snapshot + data_size(), bss_size());
    write_cr3(boot.cr3);
    guest_ve_reset(); /* the #VE information area is .noreset (guest/ve.c) */
    registers_reset();
    events_drain();
}
