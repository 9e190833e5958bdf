/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/main.c — the lab hypervisor: load the guest image as a Multiboot 1 loader would, run it
 * under the configured re-delivery policy, report every exit with valid IDT-vectoring
 * information, and end the run when the guest does (docs/protocol.md). */
#include "core/vmx_exit_reason.h"
#include "hv/hv.h"
#include "hv/multiboot_load.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/config.h"
#include "lib/console.h"
#include "lib/desc.h"
#include "lib/platform.h"
#include "lib/string.h"
#include "lib/x86.h"

#define MB_HEADER_MAGIC     0x1badb002u
#define MB_FLAG_AOUT_KLUDGE (1u << 16)
#define MB_INFO_MEMORY      (1u << 0)
#define MB_INFO_MODS        (1u << 3)

void kernel_main(uint32_t magic, uint32_t info);

static struct vcpu vcpu0;

void hv_fatal(const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    console_relay_flush();
    kprintf("hv: ERROR %s\n", msg);
    platform_exit();
}

/* One line with every exit reason seen and its count, e.g. to compare what a policy costs
 * (docs/cases.md #11: a dropped injected #UD makes the instruction exit again). */
void print_exit_counts(const struct vcpu *v)
{
    char line[400];
    int n = ksnprintf(line, sizeof(line), "hv: exit-counts");
    for (unsigned r = 0; r < HV_EXIT_REASONS; r++)
        if (v->exits_by_reason[r] && n < (int)sizeof(line))
            n += ksnprintf(line + n, sizeof(line) - (size_t)n, " %s=%u", vmx_exit_reason_name(r),
                           v->exits_by_reason[r]);
    kprintf("%s\n", line);
}

/* One line with each decision taken on IDT-vectoring information and its count
 * ("hv: idtv-actions reinject=2 drop=1"; nothing after the name when there was none). */
void print_idtv_actions(const struct vcpu *v)
{
    char line[200];
    int n = ksnprintf(line, sizeof(line), "hv: idtv-actions");
    for (unsigned i = 0; i < HV_IDTV_ACTIONS && v->idtv_actions[i].action; i++)
        if (n < (int)sizeof(line))
            n += ksnprintf(line + n, sizeof(line) - (size_t)n, " %s=%u", v->idtv_actions[i].action,
                           v->idtv_actions[i].n);
    kprintf("%s\n", line);
}

/* The summary belongs to the row still open; after HC_ROW_END it was printed already. */
void hv_end_run(struct vcpu *v)
{
    console_relay_flush();
    if (!row_ended())
        row_summary(v);
    if (foreign_active)
        testdev_report();
    platform_exit();
}

void trap_handler(struct trap_frame *f)
{
    hv_fatal("host exception %lu (error 0x%lx) at rip 0x%lx", f->vector, f->error, f->rip);
}

/* Where the guest image comes from. A Multiboot loader (GRUB `module`, QEMU `-initrd`)
 * passes it as the first module (Multiboot 1 specification 3.3, flags bit 3): copy it to
 * guest-physical 1 MiB. The Bochs boot sector passes no modules: Bochs itself has placed
 * the image there (bochsrc optramimage2). */
static const char *place_guest_image(uint32_t magic, uint32_t info)
{
    const uint32_t *mbi = (const uint32_t *)(uintptr_t)info;
    if (magic != 0x2badb002u || !(mbi[0] & MB_INFO_MODS) || mbi[5] == 0)
        return "bochs optramimage2";
    const uint32_t *mod = (const uint32_t *)(uintptr_t)mbi[6]; /* mod_start, mod_end, ... */
    uint64_t start = mod[0], size = mod[1] - mod[0], dst = GUEST_RAM_HPA + GUEST_IMAGE_GPA;
    if (mod[1] < mod[0] || !ept_gpa_is_ram(GUEST_IMAGE_GPA, size) ||
        (start < GUEST_RAM_HPA + GUEST_RAM_SIZE && start + size > GUEST_RAM_HPA))
        hv_fatal("Multiboot module at 0x%lx (%lu bytes) overlaps guest memory or is too large",
                 start, size);
    memcpy((void *)dst, (const void *)start, size);
    return "multiboot module";
}

/* Multiboot 1 specification 3.1: the header lies in the first 8 KiB, 4-byte aligned. */
static uint64_t load_guest(void)
{
    const uint32_t *img = gpa_to_hva(GUEST_IMAGE_GPA);
    for (unsigned i = 0; i < 8192 / 4; i++) {
        const uint32_t *h = img + i;
        if (h[0] != MB_HEADER_MAGIC || h[0] + h[1] + h[2] != 0)
            continue;
        uint32_t end = h[6] ? h[6] : h[5]; /* bss_end_addr 0: no .bss (Multiboot 1, 3.1.3) */
        if (!(h[1] & MB_FLAG_AOUT_KLUDGE) || h[4] != GUEST_IMAGE_GPA || end < h[4] ||
            !ept_gpa_is_ram(h[4], end - h[4]) || h[7] < h[4] || h[7] >= h[5])
            hv_fatal("guest Multiboot header has unusable addresses (load 0x%x, entry 0x%x)", h[4],
                     h[7]);
        uint32_t *mbi = gpa_to_hva(GUEST_MBI_GPA);
        memset(mbi, 0, 128);
        mbi[0] = MB_INFO_MEMORY;                       /* flags */
        mbi[1] = 640;                                  /* mem_lower, KiB */
        mbi[2] = (GUEST_RAM_SIZE - 0x100000ul) / 1024; /* mem_upper, KiB above 1 MiB */
        return h[7];
    }
    hv_fatal("no guest image: no Multiboot header at host-physical 0x%lx (bochsrc "
             "optramimage2)",
             GUEST_RAM_HPA + GUEST_IMAGE_GPA);
}

void kernel_main(uint32_t magic, uint32_t info)
{
    con_init(COM2_PORT);  /* hv/'s reports: a channel the guest cannot write */
    uart_init(COM1_PORT); /* the guest's console, relayed by hv/io.c */
    gdt_init();
    idt_init();
    outb(0x21, 0xff); /* 8259A: no legacy IRQs */
    outb(0xa1, 0xff);
    struct vcpu *v = &vcpu0;
    const char *name = config_get()->policy;
    v->policy = policy_find(name);
    if (!v->policy)
        hv_fatal("unknown policy '%s'", name);
    vcpu_events_init(&v->events, v->policy);
    const char *fault = config_get()->fault; /* docs/protocol.md: harness knobs */
    if (*fault && strcmp(fault, "entry") != 0 && strcmp(fault, "no-nmi-reblock") != 0)
        hv_fatal("unknown fault knob '%s' (known: entry, no-nmi-reblock)", fault);
    v->no_nmi_reblock = !strcmp(fault, "no-nmi-reblock");
    const char *profile = config_get()->profile; /* docs/hv.md, "Intercept profiles" */
    if (*profile && strcmp(profile, "minimal") != 0 && strcmp(profile, "kvm-like") != 0)
        hv_fatal("unknown profile '%s' (known: minimal, kvm-like)", profile);
    v->kvm_like = !strcmp(profile, "kvm-like");
    exceptions_set_profile(v->kvm_like);
    check_memory_layout();
    bool foreign = foreign_bundle_present(); /* docs/foreign-guests.md */
    const char *source = foreign ? "foreign bundle" : place_guest_image(magic, info);
    uint64_t entry = foreign ? foreign_load() : load_guest();
    kprintf("hv: redeliver lab hypervisor, policy=%s, profile=%s, guest image from %s, entry "
            "0x%lx\n",
            name, v->kvm_like ? "kvm-like" : "minimal", source, entry);
    uint64_t eptp = ept_build();
    vmx_enable(v);
    vmcs_setup(v, eptp, entry);

    for (;;) {
        int r = vmx_run(&v->regs, v->launched);
        if (r) {
            uint32_t e = r == 1 ? 0 : (uint32_t)vmread(VM_INSTRUCTION_ERROR);
            const char *what = r == 1 ? "VMfailInvalid" : vm_instruction_error_name(e);
            if (r == 3)
                hv_fatal("VMWRITE of HOST_RSP before entry failed: VM-instruction error %u (%s)", e,
                         what);
            console_relay_flush();
            kprintf("hv: VMENTRY-FAIL reason=vmfail error=%u %s (SDM 30.4)\n", e, what);
            hv_end_run(v);
        }
        v->launched = true;
        if (handle_exit(v) == EXIT_END_RUN)
            hv_end_run(v);
    }
}
