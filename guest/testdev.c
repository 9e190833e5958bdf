/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/testdev.c — the second perturbation backend: QEMU's pc-testdev, for runs without hv/
 * (docs/other-hypervisors.md). Detection: port 0xE0 is pc-testdev's 32-bit scratch register,
 * which reads back what was written; two different patterns must both read back (an
 * unclaimed port reads 0xffffffff or 0 on Bochs and QEMU). Taking a page away: the page's
 * guest-physical address written to port 0xE4; QEMU then mprotect()s the page's host memory
 * to none and back, so that under KVM the MMU notifier zaps the guest's mapping and the next
 * guest access to the page exits (an EPT violation, SDM 28.3.3.2) — during the delivery that
 * touches it, if nothing touches it before. Under TCG nothing exits: the run is a bare
 * reference in which the 0xE4 writes happened. The guest only probes when hv/ is absent. */
#include "guest/guest.h"
#include "lib/console.h"

#define TESTDEV_SCRATCH_PORT    0xe0
#define TESTDEV_FLUSH_PAGE_PORT 0xe4
#define TESTDEV_RAM_END         0x4000000ul /* the runner's -m 64: addresses past it are refused */

static unsigned n_writes;

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

bool testdev_present(void)
{
    static int known = -1;
    if (known < 0) {
        static const uint32_t patterns[] = {0x52444c56u, 0xadbbb3a9u}; /* "RDLV", ~"RDLV" */
        known = !hv_present();
        for (unsigned i = 0; i < 2 && known; i++) {
            outl(TESTDEV_SCRATCH_PORT, patterns[i]);
            known = inl(TESTDEV_SCRATCH_PORT) == patterns[i];
        }
    }
    return known;
}

long testdev_take_page(uint64_t gpa)
{
    if (!testdev_present())
        return HC_ENOSYS;
    if ((gpa & 0xfff) || gpa >= TESTDEV_RAM_END)
        return HC_EINVAL;
    outl(TESTDEV_FLUSH_PAGE_PORT, (uint32_t)gpa); /* the page, below 4 GiB */
    n_writes++;
    return HC_OK;
}

void testdev_report(void)
{
    if (testdev_present())
        kprintf("PCTESTDEV writes=%u\n", n_writes);
}
