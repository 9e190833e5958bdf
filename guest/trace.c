/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/trace.c — recording and printing observed events (docs/protocol.md, "EV" lines). */
#include "guest/trace.h"
#include "guest/guest.h"
#include "lib/console.h"
#include "lib/error_code_vectors.h"
#include "lib/x86.h"

static struct event events[TRACE_MAX];
static unsigned n_events, n_dropped;
static uint64_t anchor_start, anchor_user;

extern char ist_stacks_start[], ist_stacks_end[];
uint64_t ist_top(unsigned ist);

void trace_start(const void *anchor)
{
    n_events = n_dropped = 0;
    anchor_start = (uint64_t)anchor;
    anchor_user = 0;
}

void trace_user_anchor(const void *user_fn)
{
    anchor_user = (uint64_t)user_fn;
}

/* Which IST stack the frame was pushed on: SDM 6.14.5, the CPU switches to TSS.ISTn. */
static uint8_t frame_ist(const struct trap_frame *f)
{
    uint64_t top = (uint64_t)(&f->ss + 1);
    for (unsigned i = 1; i <= 7; i++)
        if (ist_top(i) == top)
            return (uint8_t)i;
    return 0;
}

void trace_record(const struct trap_frame *f, unsigned nest)
{
    if (n_events == TRACE_MAX) {
        n_dropped++;
        return;
    }
    struct event *e = &events[n_events++];
    e->vector = (uint8_t)f->vector;
    e->ist = frame_ist(f);
    e->has_error = vector_pushes_error(e->vector);
    e->error = (uint32_t)f->error;
    e->rf = !!(f->rflags & X86_RFLAGS_RF);
    e->cs = (uint16_t)f->cs;
    e->rip = f->rip;
    e->cr2 = e->vector == 14 ? read_cr2() : 0;
    e->dr6 = e->vector == 1 ? read_dr6() : 0;
    e->dr7 = e->vector == 1 ? read_dr7() : 0;
    e->tf = !!(f->rflags & X86_RFLAGS_TF);
    e->iflag = !!(f->rflags & X86_RFLAGS_IF);
    e->nest = (uint8_t)(nest > 9 ? 9 : nest);
    /* SDM 10.8.4: an accepted interrupt is in ISR from before its delivery until EOI */
    e->isr = apic_isr_highest();
    e->irr = apic_irr_highest();
    e->has_ve = false;
    if (e->vector == 20)
        ve_read_info(e); /* has_ve only for the #VE of an armed row (guest/ve.c) */
}

void trace_record_event(const struct event *e)
{
    if (n_events == TRACE_MAX) {
        n_dropped++;
        return;
    }
    events[n_events++] = *e;
}

unsigned trace_count(void)
{
    return n_events;
}

const struct event *trace_at(unsigned i)
{
    return &events[i];
}

const struct event *trace_first(void)
{
    return n_events ? &events[0] : 0;
}

const struct event *trace_find(uint8_t vector)
{
    for (unsigned i = 0; i < n_events; i++)
        if (events[i].vector == vector)
            return &events[i];
    return 0;
}

static const char *const mnemonic[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE",  "#CP",
    "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

/* "0x<v>" for a vector, "-" for none */
static void vector_or_none(char *buf, unsigned size, uint8_t v)
{
    if (v)
        ksnprintf(buf, size, "0x%02x", v);
    else
        ksnprintf(buf, size, "-");
}

static void print_event(const struct event *e)
{
    char vec[16], err[16], rip[32], cr2[24], dr6[24], dr7[24], isr[8], irr[8];
    if (e->vector < 32)
        ksnprintf(vec, sizeof(vec), "%s", mnemonic[e->vector]);
    else
        ksnprintf(vec, sizeof(vec), "INT 0x%02x", e->vector);
    if (e->has_error)
        ksnprintf(err, sizeof(err), "0x%04x", e->error);
    else
        ksnprintf(err, sizeof(err), "-");
    /* the nearer anchor below the RIP names it: the user function may follow the trigger */
    bool in_user = anchor_user && e->rip >= anchor_user && e->rip - anchor_user < 4096;
    bool in_trigger = e->rip >= anchor_start && e->rip - anchor_start < 4096;
    if (in_user && (!in_trigger || anchor_user >= anchor_start))
        ksnprintf(rip, sizeof(rip), "user+0x%lx", e->rip - anchor_user);
    else if (in_trigger)
        ksnprintf(rip, sizeof(rip), "trigger+0x%lx", e->rip - anchor_start);
    else
        ksnprintf(rip, sizeof(rip), "0x%lx", e->rip);
    if (e->vector == 14)
        ksnprintf(cr2, sizeof(cr2), "0x%lx", e->cr2);
    else
        ksnprintf(cr2, sizeof(cr2), "-");
    if (e->vector == 1)
        ksnprintf(dr6, sizeof(dr6), "0x%lx", e->dr6);
    else
        ksnprintf(dr6, sizeof(dr6), "-");
    if (e->vector == 1)
        ksnprintf(dr7, sizeof(dr7), "0x%lx", e->dr7);
    else
        ksnprintf(dr7, sizeof(dr7), "-");
    vector_or_none(isr, sizeof(isr), e->isr);
    vector_or_none(irr, sizeof(irr), e->irr);
    char ve[96] = "";
    if (e->has_ve) /* docs/protocol.md: what the #VE handler read, SDM 25.5.7.2 */
        ksnprintf(ve, sizeof(ve), " ve=0x%x/0x%x/0x%lx/0x%lx/0x%lx", e->ve_reason, e->ve_busy,
                  e->ve_qual, e->ve_gla, e->ve_gpa);
    kprintf("EV %s err=%s rip=%s cs=0x%02x rf=%d ist=%u cr2=%s dr6=%s dr7=%s tf=%d if=%d "
            "nest=%u isr=%s irr=%s%s\n",
            vec, err, rip, e->cs, e->rf, e->ist, cr2, dr6, dr7, e->tf, e->iflag, e->nest, isr, irr,
            ve);
}

void trace_print(void)
{
    for (unsigned i = 0; i < n_events; i++)
        print_event(&events[i]);
    if (n_dropped)
        report(false, "trace holds at most %d events; %u more were not recorded", TRACE_MAX,
               n_dropped);
}
