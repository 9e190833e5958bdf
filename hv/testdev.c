/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/testdev.c — the ports a foreign kernel (docs/foreign-guests.md) may use beyond COM1 and
 * 0xE9, answered only while one runs (lab guests keep their stricter hv/io.c):
 *   0xE0        pc-testdev scratch register (32-bit, reads back what was written);
 *   0xE4        pc-testdev "flush page": the written guest-physical address's page is not
 *               present in EPT until its next EPT violation (hv/ept.c, as
 *               HC_EPT_UNMAP_UNTIL_FAULT) — a perturbation a foreign kernel can aim;
 *   0x510/0x511 QEMU fw_cfg: refused — Bochs has none, so a bare run reads all ones there,
 *               and so does the kernel under hv/ (one line on hv/'s channel says so);
 *   0xF4        isa-debug-exit: ends the run, with the code the kernel wrote.
 * hv/ counts the 0xE4 writes, the EPT violations that restored such a page, and those of
 * them that happened during event delivery (valid IDT-vectoring information, SDM 27.2.4). */
#include "hv/hv.h"
#include "hv/multiboot_load.h"
#include "lib/console.h"
#include "lib/hypercall_abi.h"
#include "lib/platform.h"

#define TESTDEV_SCRATCH 0xe0
#define TESTDEV_FLUSH   0xe4
#define FW_CFG_SEL      0x510
#define FW_CFG_DATA     0x511
#define MAX_PAGES       8

static uint32_t scratch;
static uint64_t pages[MAX_PAGES];
static unsigned n_pages;
static struct {
    unsigned flushes, fired, vectoring, fw_cfg;
} count;

static void fw_cfg_note(uint16_t port)
{
    if (count.fw_cfg++)
        return;
    console_relay_flush();
    kprintf("hv: fw_cfg port 0x%x: not emulated (Bochs has no fw_cfg; reads are all ones as on "
            "a bare run)\n",
            port);
}

bool testdev_port_in(uint16_t port, uint32_t *value)
{
    if (port == TESTDEV_SCRATCH) {
        *value = scratch;
        return true;
    }
    if (port == FW_CFG_SEL || port == FW_CFG_DATA) {
        fw_cfg_note(port);
        *value = ~0u;
        return true;
    }
    return false;
}

static void flush_page(uint32_t gpa)
{
    uint64_t page = gpa & ~0xfffull;
    count.flushes++;
    long r = ept_unmap_until_fault(page);
    if (r == HC_EINVAL)
        hv_fatal("port 0xe4: guest-physical 0x%x is outside guest RAM (%lu MiB)", gpa,
                 GUEST_RAM_SIZE >> 20);
    if (r == HC_EBUSY)
        hv_fatal("port 0xe4: more than %u pages taken away at once", MAX_PAGES);
    for (unsigned i = 0; i < n_pages; i++)
        if (pages[i] == page)
            return;
    if (n_pages < MAX_PAGES)
        pages[n_pages++] = page;
}

bool testdev_port_out(struct vcpu *v, uint16_t port, uint32_t value)
{
    if (port == TESTDEV_SCRATCH) {
        scratch = value;
    } else if (port == TESTDEV_FLUSH) {
        flush_page(value);
    } else if (port == FW_CFG_SEL || port == FW_CFG_DATA) {
        fw_cfg_note(port);
    } else if (port == QEMU_DEBUG_EXIT_PORT) {
        console_relay_flush();
        kprintf("hv: guest-exit port=0xf4 code=%u\n", value);
        hv_end_run(v);
    } else {
        return false;
    }
    return true;
}

void testdev_ept_violation(uint64_t gpa, bool vectoring)
{
    gpa &= ~0xfffull;
    for (unsigned i = 0; i < n_pages; i++) {
        if (pages[i] != gpa)
            continue;
        pages[i] = pages[--n_pages];
        count.fired++;
        count.vectoring += vectoring;
        return;
    }
}

void testdev_report(void)
{
    kprintf("hv: testdev flush-page=%u fired=%u vectoring=%u fw_cfg=%u\n", count.flushes,
            count.fired, count.vectoring, count.fw_cfg);
}
