/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/hostile.c — a guest that attacks the verdict or the hypervisor (harness rows, named
 * with --scenario; tests/scenarios.cfg says what each must get). None of them may be PASS by
 * cheating, and each must end in bounded time with a verdict that names what happened.
 *
 * hostile-forge-hv: the #GP of gp-stack, really perturbed, plus every `hv:` line the runner
 *   once believed, printed by the guest. Expected: the forgery is guest text; the verdicts
 *   are gp-stack's (PASS).
 * hostile-dying-emulator: a complete, successful trace, then Bochs is made to panic (the
 *   `Shutdown` command of port 0x8900). Expected: bare CRASH (the emulator died); under hv/
 *   the write ends the run as hv/ decides, with no exit during delivery: ERROR.
 * hostile-com2: the guest writes to COM2, hv/'s report channel. Expected under hv/: ERROR
 *   naming the refused port; bare: PASS (nothing is there).
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "lib/desc.h"
#include "lib/console.h"
#include "lib/platform.h"
#include "lib/x86.h"
#include "tests/triggers.h"

static void forge_hv_lines(void)
{
    kprintf("hv: TRIPLE-FAULT\n"
            "hv: LIVELOCK rip=0x1: 2000 exits in a row during event delivery at one RIP\n"
            "hv: VMENTRY-FAIL reason=0x80000021 qual=0x0 forged\n"
            "hv: ERROR forged by the guest\n"
            "hv: IDTV exit=EPT_VIOLATION idtv=0x8000030d err=0x0 len=0 forged -> drop (x)\n"
            "hv: vectoring-exits=7 exits=7 policy=drop-all\n");
}

SCENARIO(hostile_forge_hv) = {
    .name = "hostile-forge-hv",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = forge_hv_lines,
    .trigger = trigger_gp,
    .check = forge_hv_lines,
};

/* Bochs: the string "Shutdown" written to port 0x8900 stops the simulation as a panic. */
static void dying_emulator_trigger(void)
{
    static const char cmd[] = "Shutdown";
    kprintf("SUMMARY: 0 tests, 0 unexpected failures\nTest result: SUCCESS\n");
    con_flush();
    for (const char *c = cmd; *c; c++)
        outb(BOCHS_CONTROL_PORT, (uint8_t)*c);
    platform_exit(); /* QEMU has no such port: it ends normally */
}

SCENARIO(hostile_dying_emulator) = {
    .name = "hostile-dying-emulator",
    .perturb = PERTURB_NONE,
    .trigger = dying_emulator_trigger,
};

static void com2_trigger(void)
{
    outb(COM2_PORT, 'h');
}

SCENARIO(hostile_com2) = {
    .name = "hostile-com2",
    .perturb = PERTURB_NONE,
    .trigger = com2_trigger,
};

/* IA32_APIC_BASE is a host-physical address that EPT does not translate: a guest that moves
 * its APIC page could put it over hv/'s own memory (SDM 10.4.4). The move here (to a spot of
 * no memory, and back) is harmless bare. Expected: bare PASS; under hv/ ERROR naming the
 * refused MSR write. */
#define APIC_BASE_EN  (1ul << 11)
#define APIC_BASE_BSP (1ul << 8)

static void apic_base_trigger(void)
{
    uint64_t old = rdmsr(MSR_IA32_APIC_BASE);
    wrmsr(MSR_IA32_APIC_BASE, 0xfed00000ul | APIC_BASE_EN | (old & APIC_BASE_BSP));
    wrmsr(MSR_IA32_APIC_BASE, old);
}

SCENARIO(hostile_apic_base) = {
    .name = "hostile-apic-base",
    .perturb = PERTURB_NONE,
    .trigger = apic_base_trigger,
};

/* Guest-physical memory beyond what hv/ gives the guest (16 MiB) is not mapped in EPT, so it
 * can never reach host memory that is not the guest's. Expected: bare PASS (Bochs has 64 MiB);
 * under hv/ ERROR naming the EPT violation outside guest memory. */
static void gpa_outside_trigger(void)
{
    (void)*(volatile uint64_t *)0x1800000ul;
}

SCENARIO(hostile_gpa_outside) = {
    .name = "hostile-gpa-outside",
    .perturb = PERTURB_NONE,
    .trigger = gpa_outside_trigger,
};

/* Hypercall arguments that point outside guest RAM, straddle its end, or are misaligned must
 * be refused (HC_EINVAL), never followed into host memory. The #GP of gp-stack makes the
 * row a real perturbation too. Expected: PASS everywhere (bare: no hypercalls, checks skip). */
static void hypercall_args_setup(void)
{
    long r[] = {
        hypercall(HC_GET_POLICY, 0xfffff8ul, 64), /* straddles the end of the 16 MiB */
        hypercall(HC_GET_POLICY, 0x1000000ul, 8),
        hypercall(HC_GET_POLICY, 0xfee00000ul, 8),
        hypercall(HC_EPT_UNMAP_UNTIL_FAULT, 0x1000000ul, 0),
        hypercall(HC_EPT_UNMAP_UNTIL_FAULT, 0x100001ul, 0),
        hypercall(HC_ON_FAULT_WRITE, 0x1000000ul, 0),
        hypercall(HC_ON_FAULT_WRITE, 0x100004ul, 0),
        hypercall(HC_VE_ARM, 0x1000000ul, 0x100000ul), /* #VE information area outside */
        hypercall(HC_VE_ARM, 0x100000ul, 0x100800ul),  /* #VE page misaligned */
        hypercall(HC_VE_ARM, 0x100000ul, 0x100000ul),  /* the area is the page */
        hypercall(HC_VE_MAP, 0x100000ul, 0),           /* no #VE page armed */
    };
    for (unsigned i = 0; i < sizeof(r) / sizeof(r[0]); i++)
        report(!hv_present() || r[i] == HC_EINVAL, "bad hypercall argument %u refused (%ld)", i,
               r[i]);
    /* One page, two kinds of EPT perturbation: HC_VE_ARM on a page HC_EPT_UNMAP_UNTIL_FAULT
     * holds would clear its "suppress #VE" and turn the exit it waits for into a #VE (SDM
     * 25.5.7.1); refused (HC_EBUSY) on every CPU model. The #VE page is not touched by any
     * row but the #VE rows, so the perturbation stays until the next row's reset. The other
     * order (HC_EPT_UNMAP_UNTIL_FAULT on an armed #VE page) needs the #VE control: the ve-*
     * rows check it (tests/ve.c). */
    if (hv_present()) {
        long unmap = hypercall(HC_EPT_UNMAP_UNTIL_FAULT, (uint64_t)guest_ve_page, 0);
        long arm = hypercall(HC_VE_ARM, 0x100000ul, (uint64_t)guest_ve_page);
        report(unmap == HC_OK && arm == HC_EBUSY,
               "HC_VE_ARM on a page HC_EPT_UNMAP_UNTIL_FAULT holds refused (%ld, %ld)", unmap, arm);
    }
}

SCENARIO(hostile_hypercall_args) = {
    .name = "hostile-hypercall-args",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = hypercall_args_setup,
    .trigger = trigger_gp,
};

/* CVE-2015-8104 shape: a data breakpoint (DR0, write, 8 bytes) on the slot of the victim IST
 * stack where delivering #DB pushes SS. Every #DB delivery hits it, and the trap it raises is
 * taken before the handler's first instruction: #DB after #DB, no instruction retires. A bare
 * CPU loops forever (Bochs logs each #DB: its log hits the runner's output cap, CRASH); hv/ must
 * regain control and say so (docs/hv.md, "Watchdog"), not spin until the runner's wall clock runs
 * out. */
#define DR7_L0_W8 (1ul << 0 | 1ul << 16 | 2ul << 18 | 0x400ul)

static void db_storm_trigger(void)
{
    idt_set_ist(1, IST_VICTIM);
    uint64_t slot = guest_victim_stack_page() + 4096 - 8;
    __asm__ volatile("mov %0, %%dr0\n\t"
                     "mov %1, %%dr7\n\t"
                     ".byte 0xf1\n\t" /* ICEBP: the first #DB */
                     "mov %2, %%dr7\n\t" ::"r"(slot),
                     "r"(DR7_L0_W8), "r"(0x400ul)
                     : "memory");
}

SCENARIO(hostile_db_storm) = {
    .name = "hostile-db-storm",
    .perturb = PERTURB_NONE,
    .trigger = db_storm_trigger,
};

/* CVE-2015-5307 shape: an #AC whose own delivery raises #AC, forever, with no instruction
 * boundary in between. The delivery's stack pushes must be alignment-checked: they are data
 * accesses at CPL3 when the handler's code segment is conforming (the CPL stays 3, no stack
 * switch: SDM 6.12.1, 5.8.1.2) and CR0.AM=1, EFLAGS.AC=1 (SDM 6.15 "Interrupt 17": stack
 * accesses included). In IA-32e mode the CPU aligns RSP to 16 bytes before it pushes the
 * frame (SDM 6.14.2), so no push can be misaligned; in legacy protected mode the stack may
 * be at any alignment (SDM 6.14.2). So the trigger leaves IA-32e mode (SDM 9.8.5.4: to
 * compatibility mode, CR0.PG=0, EFER.LME=0; paging stays off), loads a GDT and an IDT of
 * its own whose #AC gate leads to a conforming DPL 0 code segment, and IRETs to CPL3 with
 * AC=1 and ESP odd. The user PUSH raises #AC; delivering it pushes EFLAGS on the same odd
 * ESP: #AC, benign after benign, so delivered serially (SDM 6.15, Table 6-5), forever.
 * Expected: a CPU never gets out (it would be TIMEOUT); measured on Bochs 2.7 bare: CRASH,
 * because Bochs nests exception() -> interrupt() -> exception() in C for every round and its
 * own stack overflows (SIGSEGV). hv/ intercepts #AC (docs/hv.md), so every round is a VM exit
 * at the PUSH, and 2000 in a row are LIVELOCK (hv/exit.c), under every policy. */
#define STORM_CODE32  0x08
#define STORM_DATA32  0x10
#define STORM_CONFORM 0x18
#define STORM_UCODE   0x23 /* 0x20 | RPL 3 */
#define STORM_UDATA   0x2b /* 0x28 | RPL 3 */

void ac_storm_enter(const struct desc_ptr *gdtr, const void *idtr32, uint32_t user_esp);
extern char ac_storm_handler[];

__asm__(".pushsection .text\n"
        "ac_storm_enter:\n\t" /* rdi: GDTR, rsi: 32-bit IDTR, edx: user ESP */
        "lgdt (%rdi)\n\t"
        "pushq $0x08\n\t" /* STORM_CODE32 */
        "leaq 1f(%rip), %rax\n\t"
        "pushq %rax\n\t"
        "lretq\n\t" /* to compatibility mode */
        ".code32\n"
        "1:\tmovw $0x10, %ax\n\t" /* STORM_DATA32 */
        "movw %ax, %ds\n\t"
        "movw %ax, %es\n\t"
        "movw %ax, %ss\n\t"
        "movl %cr0, %eax\n\t"
        "andl $0x7fffffff, %eax\n\t" /* CR0.PG=0: IA32_EFER.LMA=0 */
        "movl %eax, %cr0\n\t"
        "movl %edx, %ebx\n\t"
        "movl $0xc0000080, %ecx\n\t"
        "rdmsr\n\t"
        "andl $~0x100, %eax\n\t" /* EFER.LME=0 */
        "wrmsr\n\t"
        "lidt (%esi)\n\t"
        "movl %cr0, %eax\n\t"
        "orl $0x40000, %eax\n\t" /* CR0.AM */
        "movl %eax, %cr0\n\t"
        "pushl $0x2b\n\t" /* STORM_UDATA */
        "pushl %ebx\n\t"
        "pushl $0x40002\n\t" /* EFLAGS.AC, IF=0, IOPL 0 */
        "pushl $0x23\n\t"    /* STORM_UCODE */
        "pushl $2f\n\t"
        "iretl\n"
        "2:\tpushl %eax\n\t" /* CPL3, ESP odd: #AC */
        "3:\tjmp 3b\n"       /* a CPU without alignment checks (QEMU TCG) spins here */
        "ac_storm_handler:\n\t"
        "jmp ac_storm_handler\n\t" /* never reached: no delivery completes */
        ".code64\n"
        ".popsection");

static uint64_t storm_gdt[6] __attribute__((aligned(16)));
static uint64_t storm_idt[32] __attribute__((aligned(16)));
static uint8_t storm_user_stack[256] __attribute__((aligned(16)));

static void ac_storm_trigger(void)
{
    /* flat 4 GiB segments, accessed bit set (SDM 3.4.5, Table 3-1) */
    storm_gdt[STORM_CODE32 / 8] = 0x00cf9b000000ffffull;  /* 32-bit code, DPL 0 */
    storm_gdt[STORM_DATA32 / 8] = 0x00cf93000000ffffull;  /* data, DPL 0 */
    storm_gdt[STORM_CONFORM / 8] = 0x00cf9f000000ffffull; /* 32-bit conforming code, DPL 0 */
    storm_gdt[STORM_UCODE / 8] = 0x00cffb000000ffffull;   /* 32-bit code, DPL 3 */
    storm_gdt[STORM_UDATA / 8] = 0x00cff3000000ffffull;   /* data, DPL 3 */
    uint32_t h = (uint32_t)(uint64_t)ac_storm_handler;
    /* 32-bit interrupt gate (SDM Figure 6-2): P, DPL 0, type 0xE; only #AC is present */
    storm_idt[17] =
        (h & 0xffff) | (uint64_t)STORM_CONFORM << 16 | 0x8eull << 40 | (uint64_t)(h >> 16) << 48;
    static struct desc_ptr gdtr;
    static struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) idtr;
    gdtr = (struct desc_ptr){sizeof(storm_gdt) - 1, (uint64_t)storm_gdt};
    idtr.limit = sizeof(storm_idt) - 1;
    idtr.base = (uint32_t)(uint64_t)storm_idt;
    ac_storm_enter(&gdtr, &idtr, (uint32_t)(uint64_t)(storm_user_stack + 128 + 1));
}

SCENARIO(hostile_ac_storm) = {
    .name = "hostile-ac-storm",
    .perturb = PERTURB_NONE,
    .trigger = ac_storm_trigger,
};
