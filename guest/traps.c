/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/traps.c — what the guest does with every delivered event: record it, then resume.
 * Faults resume at the fixup of their instruction (EXTABLE); a fault without one ends the
 * run as FAILURE; traps, NMIs and interrupts return (SDM 6.5: a trap's saved RIP is the
 * next instruction already). */
#include "guest/batch.h"
#include "guest/guest.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "lib/console.h"
#include "lib/desc.h"
#include "lib/string.h"
#include "lib/x86.h"

struct extable_entry {
    uint64_t insn, fixup;
};
extern const struct extable_entry __extable_start[], __extable_end[];
extern const struct scenario __scenarios_start[], __scenarios_end[];

const struct scenario *scenario_find(const char *name)
{
    for (const struct scenario *s = __scenarios_start; s < __scenarios_end; s++)
        if (!strcmp(s->name, name))
            return s;
    return 0;
}

static uint64_t extable_fixup(uint64_t rip)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

/* SDM 6.15: #DB (1) may be a trap; NMI (2), #BP (3) and #OF (4) resume after the event. */
static bool resumes_by_itself(uint8_t v)
{
    return v == 1 || v == 2 || v == 3 || v == 4 || v >= 32;
}

/* SDM 6.13: an error code with EXT (bit 0) set reports a fault raised while delivering an
 * external event; with IDT (bit 1) set, bits 15:3 hold that event's vector. The saved RIP
 * is the interrupted instruction, so returning is right; the interrupt it was delivering
 * was acknowledged and must be ended here. */
static bool delivery_fault(const struct trap_frame *f)
{
    if (f->vector < 10 || f->vector > 13 || !(f->error & 1))
        return false;
    if ((f->error & 2) && apic_isr_set((uint8_t)(f->error >> 3)))
        apic_eoi();
    return true;
}

static bool row_handler(unsigned flag)
{
    return current_row && (current_row->handler & flag);
}

static void handle(struct trap_frame *f)
{
    uint8_t v = (uint8_t)f->vector;
    if (trace_count() >= TRACE_MAX)
        guest_finish("FAILURE", "event storm: the trace overflowed (livelock?)");
    /* a software INT n leaves ISR alone: no EOI for it */
    if (v >= 32 && apic_isr_set(v) && !row_handler(HANDLER_NO_EOI))
        apic_eoi();
    if (current_row && current_row->on_event)
        current_row->on_event(f);
    if (v == 1) {
        if (!row_handler(HANDLER_KEEP_TF))
            f->rflags &= ~X86_RFLAGS_TF; /* single-step once (SDM 17.3.1.4) */
        f->rflags |= X86_RFLAGS_RF;      /* an instruction breakpoint must not fire again on
                                            return (SDM 17.3.1.1); harmless after a trap */
        write_dr6(0xffff0ff0);           /* software clears DR6 (SDM 17.2.3) */
    }
    if (v == 20 && ve_resolve()) /* #VE: the access runs again (guest/ve.c) */
        return;
    if (resumes_by_itself(v) || delivery_fault(f))
        return;
    uint64_t fixup = extable_fixup(f->rip);
    if (fixup) {
        f->rip = fixup;
        return;
    }
    char why[80];
    ksnprintf(why, sizeof(why), "unexpected exception %u at rip 0x%lx", v, f->rip);
    guest_finish("FAILURE", why);
}

/* An event the reset lets in between rows (guest/reset.c): ended, never recorded. */
static void drain_one(struct trap_frame *f)
{
    if (f->vector >= 32 && apic_isr_set((uint8_t)f->vector))
        apic_eoi(); /* SDM 10.8.5 */
    f->rflags &= ~X86_RFLAGS_TF;
}

/* Counted, so that a row that ends inside a handler ends the batch (guest/batch.c), and
 * recorded as the trace's nest=: a handler entered while another one runs, e.g. an NMI
 * handler re-entered before its IRET, records 2. */
void guest_resume_without_iret(const struct trap_frame *f) __attribute__((noreturn));
_Static_assert(__builtin_offsetof(struct trap_frame, rip) == 136 &&
                   __builtin_offsetof(struct trap_frame, rflags) == 152 &&
                   __builtin_offsetof(struct trap_frame, rsp) == 160,
               "guest/noiret.S reads the frame at these offsets");

void trap_handler(struct trap_frame *f)
{
    if (guest_draining) {
        drain_one(f);
        return;
    }
    guest_handler_depth++;
    trace_record(f, guest_handler_depth);
    handle(f);
    guest_handler_depth--;
    if (row_handler(HANDLER_NO_IRET)) {
        if (f->cs != SEL_CODE64)
            guest_finish("ERROR", "HANDLER_NO_IRET resumes 64-bit CPL0 code only");
        guest_resume_without_iret(f);
    }
}
