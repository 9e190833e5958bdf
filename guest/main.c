/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/main.c — the test kernel: set up the CPU, run the configured rows (one, or a batch:
 * guest/batch.c), print each row's trace and exactly one `Test result:` line per row
 * (docs/protocol.md). */
#include "guest/batch.h"
#include "guest/guest.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "lib/config.h"
#include "lib/console.h"
#include "lib/desc.h"
#include "lib/string.h"
#include "lib/x86.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u

void kernel_main(uint32_t magic, uint32_t info);
void stacks_init(void);

static unsigned n_tests, n_failures;
static bool trace_printed;

void report(bool ok, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    n_tests++;
    if (!ok)
        n_failures++;
    kprintf("%s: %s\n", ok ? "PASS" : "FAIL", msg);
}

void guest_finish(const char *result, const char *reason)
{
    irq_disable();
    if (!trace_printed) {
        trace_printed = true;
        trace_print();
    }
    testdev_report();
    kprintf("SUMMARY: %u tests, %u unexpected failures\n", n_tests, n_failures);
    kprintf("Test result: %s%s%s\n", result, *reason ? " " : "", reason);
    guest_row_end();
}

static void pic_mask_all(void)
{
    outb(0x21, 0xff); /* 8259A master and slave: no legacy IRQs (the PIT would arrive as #DF) */
    outb(0xa1, 0xff);
}

static uint64_t perturbed_page(enum perturb_page page)
{
    switch (page) {
    case PAGE_STACK:
        return guest_victim_stack_page();
    case PAGE_IDT:
        return idt_base();
    case PAGE_GDT:
        return gdt_base();
    case PAGE_TSS:
        return tss_base();
    case PAGE_RSP0:
        return guest_rsp0_stack_page();
    case PAGE_PM32_IDT:
        return pm32_idt_page();
    case PAGE_PM32_GDT:
        return pm32_gdt_page();
    case PAGE_PM32_TSS:
        return pm32_tss_page();
    case PAGE_PM32_ESP0:
        return pm32_esp0_stack_page();
    }
    guest_finish("ERROR", "scenario names no page to perturb");
}

void scenario_arm(const struct scenario *s)
{
    long r = HC_OK;
    if (s->perturb == PERTURB_NONE || s->perturb == PERTURB_TASK_GATE)
        return;
    if (s->also_pages && s->perturb != PERTURB_EPT_NOT_PRESENT)
        guest_finish("ERROR", "also_pages needs PERTURB_EPT_NOT_PRESENT");
    idt_set_ist(s->vector, s->no_ist ? IST_NONE : IST_VICTIM);
    for (unsigned v = 0; v < 32; v++)
        if (s->also_ist1 & (1u << v))
            idt_set_ist((uint8_t)v, IST_VICTIM);
    uint64_t page = perturbed_page(s->page);
    /* the reference run of a `reference = virt` row: same gates and stacks, no perturbation
     * (docs/protocol.md, "Configuration block") */
    if (strcmp(config_get()->perturb, "off") == 0) {
        kprintf("PERTURB off (unperturbed reference run)\n");
        return;
    }
    if (s->perturb == PERTURB_EPT_NOT_PRESENT) {
        r = hv_ept_unmap_until_fault(page);
        for (unsigned p = PAGE_STACK; p <= PAGE_LAST && r == HC_OK; p++)
            if (s->also_pages & (1u << p))
                r = hv_ept_unmap_until_fault(perturbed_page((enum perturb_page)p));
        if (r != HC_OK && testdev_present()) /* the backend without hv/ (guest/testdev.c) */
            guest_finish("ERROR", "pc-testdev: a page to take away is not below 64 MiB");
    } else {
        if (s->page >= PAGE_PM32_IDT) /* the 32-bit environment runs with paging off */
            guest_finish("ERROR", "a PAGE_PM32_* page needs PERTURB_EPT_NOT_PRESENT");
        if (!guest_page_set_present(page, false))
            guest_finish("ERROR", "could not split the guest page tables");
        r = hv_intercept_exception(s->vector, true);
    }
    if (r != HC_OK && hv_present()) {
        char why[64];
        ksnprintf(why, sizeof(why), "the perturbation hypercall failed (%ld)", r);
        guest_finish("ERROR", why);
    }
}

static void disarm(const struct scenario *s)
{
    if (s->perturb == PERTURB_INTERCEPT_GUEST_NOT_PRESENT) {
        hv_intercept_exception(s->vector, false);
        guest_page_set_present(perturbed_page(s->page), true);
    }
}

const struct scenario *current_row;

static void run_row(const struct scenario *s)
{
    if (s->proof == PROOF_IRET_NMI_UNBLOCK) /* the runner wants an hv: IRET-NMI-UNBLOCK line */
        kprintf("ROW %s proof=iret-nmi-unblock\n", s->name);
    else if (s->perturb == PERTURB_NONE)
        kprintf("ROW %s\n", s->name);
    else if (s->perturb == PERTURB_TASK_GATE) /* only its task-switch exit proves it */
        kprintf("ROW %s vector=0x%02x proof=task-switch\n", s->name, s->vector);
    else if (s->perturb == PERTURB_EPT_NOT_PRESENT) /* each page: an EPT exit with the vector */
        kprintf("ROW %s vector=0x%02x pages=%u\n", s->name, s->vector,
                1 + (unsigned)__builtin_popcount(s->also_pages & ~(1u << s->page)));
    else /* the runner checks that an exit during delivery carried this vector */
        kprintf("ROW %s vector=0x%02x\n", s->name, s->vector);
    unsigned old_ist = idt_get_ist(s->vector);
    if (s->setup)
        s->setup();
    if (!s->arms_itself)
        scenario_arm(s);
    trace_start((const void *)s->trigger);
    current_row = s;
    s->trigger();
    current_row = 0;
    disarm(s);
    idt_set_ist(s->vector, old_ist);
    trace_printed = true;
    trace_print();
    if (s->check)
        s->check();
    guest_finish(n_failures ? "FAILURE" : "SUCCESS", "");
}

/* One row of the batch, in the state guest/reset.c restored. */
static void run_spec(const char *spec)
{
    static struct scenario scratch; /* a generated row lives here (guest/program.c) */
    const struct scenario *s = scenario_resolve(spec, &scratch);
    if (!s) {
        kprintf("guest: unknown scenario '%s'\n", spec);
        guest_finish("ERROR", "unknown scenario");
    }
    trace_printed = false;
    run_row(s);
}

void kernel_main(uint32_t magic, uint32_t info)
{
    (void)info;
    con_init(COM1_PORT);
    gdt_init();
    stacks_init();
    idt_init();
    idt_set_ist(8, IST_DF); /* aborts and NMIs get stacks of their own (SDM 6.14.5) */
    idt_set_ist(2, IST_NMI);
    idt_set_ist(18, IST_MC);
    pic_mask_all();
    apic_init();
    pm32_init(); /* the 32-bit environment's tables (guest/pm32.c), restored before each row */
    trace_printed = true; /* nothing to print until a row starts */
    if (hv_present()) {
        con_relayed(true); /* fewer port exits; hv/ copies its relayed lines to 0xE9 */
        char policy[32] = "?";
        hypercall(HC_GET_POLICY, (uint64_t)policy, sizeof(policy));
        policy[sizeof(policy) - 1] = 0;
        kprintf("ENV virt policy=%s\n", policy);
    } else {
        kprintf("ENV bare%s\n", testdev_present() ? " pc-testdev" : "");
    }
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        guest_finish("ERROR", "not entered by a Multiboot loader (EAX != 0x2BADB002)");
    guest_batch_run(run_spec);
}
