/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/apic.c — the local APIC in xAPIC mode (SDM 10.4.1 MMIO page, 10.6.1 ICR, 10.8.4 ISR/IRR).
 */
#include "guest/guest.h"
#include "lib/x86.h"

#define APIC_SVR_ENABLE   (1u << 8)
#define APIC_SPURIOUS_VEC 0xff
#define APIC_ICR_SELF     (1u << 18) /* destination shorthand 01: self */
#define APIC_ICR_PENDING  (1u << 12) /* delivery status: send pending */
#define APIC_ICR_NMI      (4u << 8)  /* delivery mode NMI */
#define APIC_ID           0x020

static uint32_t apic_read(uint32_t reg)
{
    return mmio_read32(APIC_BASE + reg);
}

static void apic_write(uint32_t reg, uint32_t v)
{
    mmio_write32(APIC_BASE + reg, v);
}

void apic_init(void)
{
    apic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VEC);
}

void apic_self_ipi(uint8_t vector)
{
    apic_write(APIC_ICR_HI, 0);
    apic_write(APIC_ICR_LO, APIC_ICR_SELF | vector); /* fixed delivery, edge */
    while (apic_read(APIC_ICR_LO) & APIC_ICR_PENDING)
        cpu_relax();
}

/* IRR/ISR are eight 32-bit registers, 16 bytes apart (SDM 10.8.4). */
static bool apic_vector_bit(uint32_t base, uint8_t vector)
{
    return apic_read(base + 0x10 * (vector / 32)) & (1u << (vector % 32));
}

void apic_self_ipi_pending(uint8_t vector)
{
    apic_self_ipi(vector);
    for (unsigned i = 0; i < 1000; i++)
        if (apic_irr_set(vector))
            return;
    guest_finish("ERROR", "the self-IPI never became pending in IRR");
}

/* NMI delivery mode (100b) to our own APIC ID: the "self" shorthand allows only fixed
 * delivery (SDM 10.6.1), so address ourselves physically. */
void apic_self_nmi(void)
{
    uint32_t id = apic_read(APIC_ID) >> 24;
    apic_write(APIC_ICR_HI, id << 24);
    apic_write(APIC_ICR_LO, APIC_ICR_NMI);
    while (apic_read(APIC_ICR_LO) & APIC_ICR_PENDING)
        cpu_relax();
}

bool apic_irr_set(uint8_t vector)
{
    return apic_vector_bit(APIC_IRR, vector);
}

bool apic_isr_set(uint8_t vector)
{
    return apic_vector_bit(APIC_ISR, vector);
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void apic_set_tpr(uint8_t tpr)
{
    apic_write(APIC_TPR, tpr);
}

/* The highest bit set in one of the eight 32-bit registers of ISR or IRR (SDM 10.8.4). */
static uint8_t apic_highest(uint32_t base)
{
    for (int r = 7; r >= 1; r--) { /* vectors 0-31 are reserved: register 0 holds none */
        uint32_t bits = apic_read(base + 0x10 * (unsigned)r);
        if (bits)
            return (uint8_t)(r * 32 + 31 - __builtin_clz(bits));
    }
    return 0;
}

uint8_t apic_isr_highest(void)
{
    return apic_highest(APIC_ISR);
}

uint8_t apic_irr_highest(void)
{
    return apic_highest(APIC_IRR);
}
