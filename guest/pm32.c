/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/pm32.c — the 32-bit protected-mode environment of guest_run_pm32() (guest/guest.h):
 * its GDT, IDT, TSS and handler tasks, built once at boot (restored with .bss before every
 * row, guest/reset.c), and the records its 32-bit handlers leave, which become trace events
 * after the return to 64-bit mode (guest/trace.c). The mode switches are guest/pm32_entry.S,
 * the handlers guest/pm32_traps.S.
 *
 * Each table owns a page, as the 64-bit ones do (lib/desc.c), so that a row can take exactly
 * one away from EPT: the GDT (the handler's CS descriptor, read by every delivery through an
 * interrupt or trap gate, SDM 6.12.1), the IDT (the gate, SDM 6.10), the TSS of the task that
 * runs fn32 (ESP0 and SS0, read by a delivery from CPL3, SDM 6.12.1 and 7.2.1) and the stack
 * ESP0 points to (pushed only by a delivery from CPL3). Handler tasks (task gates, SDM 6.12.2)
 * each own a TSS page and a stack page. */
#include "guest/guest.h"
#include "guest/pm32.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "lib/console.h"
#include "lib/desc.h"
#include "lib/error_code_vectors.h"
#include "lib/x86.h"

#define PAGE 4096

union tss32_page {
    struct tss32 tss;
    uint8_t page[PAGE];
};

/* Shared with the assembly (guest/pm32.h). */
struct pm32_record pm32_records[PM32_RECORDS_MAX];
uint32_t pm32_count, pm32_depth, pm32_handler_flags;
uint32_t pm32_abort_reason, pm32_abort_vector, pm32_abort_eip;
struct pm32_break pm32_breaks[PM32_BREAKS];
uint32_t pm32_n_breaks;
uint32_t pm32_break_tss, pm32_break_eip;
uint64_t pm32_entry_gdt[PM32_GDT_ENTRIES] __attribute__((aligned(8)));
struct pm32_gdtr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed)) pm32_entry_gdtr, pm32_gdtr, pm32_idtr;
uint32_t pm32_task_vector[PM32_TASKS]; /* PM32_NO_VECTOR: a task entered by CALL or JMP */

static uint64_t gdt[PAGE / 8] __attribute__((aligned(PAGE)));
static uint64_t idt[PAGE / 8] __attribute__((aligned(PAGE)));
union tss32_page pm32_tss __attribute__((aligned(PAGE)));
union tss32_page pm32_task_tss_pages[PM32_TASKS] __attribute__((aligned(PAGE)));
static unsigned n_tasks;
/* Stacks: their contents need no reset between rows (lib/kernel.ld, .noreset). */
static uint8_t esp0_stack[PAGE] __attribute__((aligned(PAGE), section(".noreset")));
uint8_t pm32_task_stacks[PM32_TASKS][PAGE] __attribute__((aligned(PAGE), section(".noreset")));

void pm32_enter(uint32_t fn32, uint32_t user_eflags, uint32_t user);
extern const char pm32_stubs[], pm32_task_entry[];

#define PM32_NO_VECTOR 0xffffffffu

/* SDM 3.4.5: flat 4 GiB segments (G = 1, limit 0xfffff), accessed bit preset so that no
 * delivery writes the GDT page. */
#define DESC_CODE32      0x00cf9b000000ffffull /* P, DPL 0, code execute/read, D = 1 */
#define DESC_DATA32      0x00cf93000000ffffull /* P, DPL 0, data read/write, B = 1 */
#define DESC_USER_CODE32 0x00cffb000000ffffull /* as DESC_CODE32 with DPL 3 */
#define DESC_USER_DATA32 0x00cff3000000ffffull /* as DESC_DATA32 with DPL 3 */
#define TSS_AVAILABLE    0x89 /* P, DPL 0, type 9: available 32-bit TSS (SDM 7.2.2) */
#define TSS_BUSY         0x8b /* type 11: busy 32-bit TSS */
#define GATE_INTERRUPT32 0x8e /* P, DPL 0, 32-bit interrupt gate (SDM 6.11, Figure 6-2) */
#define GATE_TASK        0x85 /* P, DPL 0, task gate */
#define GATE_DPL_SHIFT   5

static uint64_t tss_desc(uint32_t base, uint8_t access)
{
    return desc_system_low(base, sizeof(struct tss32) - 1, access); /* SDM 7.2.2: >= 0x67 */
}

static uint64_t gate(uint32_t offset, uint16_t sel, uint8_t type)
{
    return (offset & 0xffff) | ((uint64_t)sel << 16) | ((uint64_t)type << 40) |
           ((uint64_t)(offset >> 16) << 48);
}

static void tss_init(struct tss32 *t, uint32_t eip, uint32_t stack_top)
{
    *t = (struct tss32){
        .esp0 = stack_top,
        .ss0 = PM32_SEL_DATA,
        .cr3 = (uint32_t)read_cr3(), /* the 64-bit tables, below 4 GiB; unused, PG = 0 */
        .eip = eip,
        .eflags = 2,
        .esp = stack_top,
        .es = PM32_SEL_DATA,
        .cs = PM32_SEL_CODE,
        .ss = PM32_SEL_DATA,
        .ds = PM32_SEL_DATA,
        .iomap_base = sizeof(struct tss32), /* no I/O bitmap: beyond the limit (SDM 18.5.2) */
    };
}

void pm32_init(void)
{
    gdt[PM32_SEL_CODE / 8] = DESC_CODE32;
    gdt[PM32_SEL_DATA / 8] = DESC_DATA32;
    gdt[PM32_SEL_USER_CODE / 8] = DESC_USER_CODE32;
    gdt[PM32_SEL_USER_DATA / 8] = DESC_USER_DATA32;
    /* busy: LTR marked the entry GDT's copy, and an IRET back to this task through a
     * previous-task link wants it busy here (SDM 7.3, 7.4) */
    gdt[PM32_SEL_TSS / 8] = tss_desc((uint32_t)(uint64_t)&pm32_tss, TSS_BUSY);
    tss_init(&pm32_tss.tss, 0, (uint32_t)(uint64_t)(esp0_stack + PAGE));
    for (unsigned n = 0; n < PM32_TASKS; n++) {
        uint32_t top = (uint32_t)(uint64_t)pm32_task_stacks[n] + PAGE;
        tss_init(&pm32_task_tss_pages[n].tss, (uint32_t)(uint64_t)pm32_task_entry, top);
        gdt[PM32_SEL_TASK0 / 8 + n] =
            tss_desc((uint32_t)(uint64_t)&pm32_task_tss_pages[n], TSS_AVAILABLE);
        pm32_task_vector[n] = PM32_NO_VECTOR;
    }
    for (unsigned i = 0; i < PM32_GDT_ENTRIES; i++)
        pm32_entry_gdt[i] = gdt[i];
    pm32_entry_gdtr =
        (struct pm32_gdtr){PM32_GDT_ENTRIES * 8 - 1, (uint32_t)(uint64_t)pm32_entry_gdt};
    pm32_gdtr = (struct pm32_gdtr){PM32_GDT_ENTRIES * 8 - 1, (uint32_t)(uint64_t)gdt};
    for (unsigned v = 0; v < 256; v++)
        idt[v] = gate((uint32_t)(uint64_t)(pm32_stubs + 16 * v), PM32_SEL_CODE, GATE_INTERRUPT32);
    pm32_idtr = (struct pm32_gdtr){256 * 8 - 1, (uint32_t)(uint64_t)idt};
}

uint64_t pm32_gdt_page(void)
{
    return (uint64_t)gdt;
}

uint64_t pm32_idt_page(void)
{
    return (uint64_t)idt;
}

uint64_t pm32_tss_page(void)
{
    return (uint64_t)&pm32_tss;
}

uint64_t pm32_esp0_stack_page(void)
{
    return (uint64_t)esp0_stack;
}

void pm32_set_dpl(uint8_t vector, unsigned dpl)
{
    uint64_t type = (idt[vector] >> 40) & 0xff;
    type = (type & ~(3u << GATE_DPL_SHIFT)) | ((dpl & 3) << GATE_DPL_SHIFT);
    idt[vector] = (idt[vector] & ~(0xffull << 40)) | (type << 40);
}

static unsigned task_new(uint32_t vector)
{
    if (n_tasks == PM32_TASKS)
        guest_finish("ERROR", "pm32: all handler tasks are in use (PM32_TASKS)");
    pm32_task_vector[n_tasks] = vector;
    return n_tasks++;
}

unsigned pm32_task_gate(uint8_t vector)
{
    unsigned n = task_new(vector);
    idt[vector] = gate(0, (uint16_t)(PM32_SEL_TASK0 + 8 * n), GATE_TASK);
    return n;
}

unsigned pm32_task(void)
{
    return task_new(PM32_NO_VECTOR);
}

struct tss32 *pm32_task_tss(unsigned n)
{
    return n < PM32_TASKS ? &pm32_task_tss_pages[n].tss : 0;
}

void pm32_task_break(unsigned n, unsigned offset, uint16_t value)
{
    if (n >= PM32_TASKS || offset > sizeof(struct tss32) - 2 || (offset & 1) ||
        pm32_n_breaks == PM32_BREAKS)
        guest_finish("ERROR", "pm32_task_break: no such task, 16-bit field, or too many breaks");
    uint16_t *field = (uint16_t *)((uint8_t *)&pm32_task_tss_pages[n].tss + offset);
    pm32_breaks[pm32_n_breaks++] = (struct pm32_break){(uint32_t)(uint64_t)field, *field};
    /* where its #TS must come: task n, before its first instruction (guest/pm32_traps.S) */
    pm32_break_tss = (uint32_t)(uint64_t)&pm32_task_tss_pages[n].tss;
    pm32_break_eip = pm32_task_tss_pages[n].tss.eip;
    *field = value;
}

static void flush_records(void)
{
    for (unsigned i = 0; i < pm32_count && i < PM32_RECORDS_MAX; i++) {
        const struct pm32_record *r = &pm32_records[i];
        struct event e = {
            .vector = (uint8_t)r->vector,
            .has_error = (r->flags & PM32_REC_TASK) ? (r->flags & PM32_REC_HAS_ERROR) != 0
                                                    : vector_pushes_error(r->vector),
            .error = r->error,
            .rf = (r->eflags & X86_RFLAGS_RF) != 0,
            .cs = (uint16_t)r->cs,
            .rip = r->eip,
            .dr6 = r->dr6,
            .dr7 = r->dr7,
            .tf = (r->eflags & X86_RFLAGS_TF) != 0,
            .iflag = (r->eflags & X86_RFLAGS_IF) != 0,
            .nest = (uint8_t)(r->nest > 9 ? 9 : r->nest),
            .isr = (uint8_t)r->isr,
            .irr = (uint8_t)r->irr,
        };
        trace_record_event(&e);
    }
}

const struct pm32_record *pm32_record_at(unsigned i)
{
    return i < pm32_count && i < PM32_RECORDS_MAX ? &pm32_records[i] : 0;
}

unsigned pm32_record_count(void)
{
    return pm32_count < PM32_RECORDS_MAX ? pm32_count : PM32_RECORDS_MAX;
}

static void run(void (*fn32)(void), uint32_t eflags, uint32_t user)
{
    if ((uint64_t)fn32 >> 32)
        guest_finish("ERROR", "pm32: fn32 is not below 4 GiB");
    if (current_row && (current_row->on_event || (current_row->handler & HANDLER_NO_IRET)))
        guest_finish("ERROR", "pm32: .on_event and HANDLER_NO_IRET need the 64-bit handler");
    _Static_assert(PM32_KEEP_TF == HANDLER_KEEP_TF && PM32_NO_EOI == HANDLER_NO_EOI,
                   "guest/pm32_traps.S tests these bits");
    pm32_handler_flags = current_row ? current_row->handler : 0;
    pm32_count = pm32_depth = 0;
    pm32_abort_reason = PM32_ABORT_NONE;
    pm32_enter((uint32_t)(uint64_t)fn32, eflags, user);
    pm32_depth = 0;
    flush_records();
    if (pm32_abort_reason == PM32_ABORT_UNEXPECTED) {
        char why[80];
        ksnprintf(why, sizeof(why), "pm32: unexpected exception %u at eip 0x%x", pm32_abort_vector,
                  pm32_abort_eip);
        guest_finish("FAILURE", why);
    }
    if (pm32_abort_reason == PM32_ABORT_STORM)
        guest_finish("FAILURE", "pm32: event storm: the trace overflowed (livelock?)");
    if (pm32_abort_reason == PM32_ABORT_TS_PLACE) {
        char why[144];
        ksnprintf(why, sizeof(why),
                  "pm32: the #TS of a broken TSS field interrupted TSS 0x%x at eip 0x%x, not "
                  "the broken task at its first instruction (SDM 7.3 Table 7-1)",
                  pm32_abort_vector, pm32_abort_eip);
        guest_finish("FAILURE", why);
    }
    if (pm32_abort_reason == PM32_ABORT_STRAY) {
        char why[96];
        ksnprintf(why, sizeof(why),
                  "pm32: the handler tasks' entry ran in no handler task (TR 0x%x)",
                  pm32_abort_vector);
        guest_finish("FAILURE", why);
    }
}

void guest_run_pm32(void (*fn32)(void))
{
    run(fn32, 0, 0);
}

#define EFLAGS_USER_ALLOWED (X86_RFLAGS_IF | X86_RFLAGS_AC | (3ul << 12) /* IOPL */)

void guest_run_pm32_user(void (*fn32)(void), uint32_t eflags)
{
    if (eflags & ~EFLAGS_USER_ALLOWED & ~2u)
        guest_finish("ERROR", "pm32: user EFLAGS may set IF, AC and IOPL only");
    run(fn32, eflags | 2, 1);
}
