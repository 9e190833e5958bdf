/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/kernel.c — console and boot-information report of the foreign test kernels
 * (Multiboot 1 specification 3.3 for the information block). */
#include "tests/foreign/kernel.h"

#define COM1 0x3f8

static void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static void kputc(char c)
{
    while (!(inb(COM1 + 5) & 0x20)) /* line status: transmitter empty */
        ;
    outb(COM1, (uint8_t)c);
}

void kputs(const char *s)
{
    while (*s)
        kputc(*s++);
}

void kput_hex(uint32_t v)
{
    kputs("0x");
    for (int i = 28; i >= 0; i -= 4)
        kputc("0123456789abcdef"[(v >> i) & 15]);
}

void kput_dec(uint32_t v)
{
    char b[12];
    int n = 0;
    do
        b[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        kputc(b[--n]);
}

static void put_bytes(const char *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        kputc(p[i] == '\n' ? '|' : p[i]);
}

void report_boot_info(uint32_t magic, const uint32_t *mbi)
{
    kputs("foreign: magic ");
    kput_hex(magic);
    kputs(" flags ");
    kput_hex(mbi[0]);
    kputs("\n");
    if (mbi[0] & (1u << 2)) {
        kputs("foreign: cmdline '");
        kputs((const char *)mbi[4]);
        kputs("'\n");
    }
    if (mbi[0] & 1u) {
        kputs("foreign: mem_lower ");
        kput_dec(mbi[1]);
        kputs(" KiB, mem_upper ");
        kput_dec(mbi[2]);
        kputs(" KiB\n");
    }
    if (mbi[0] & (1u << 6)) {
        const uint8_t *m = (const uint8_t *)mbi[12], *end = m + mbi[11];
        while (m < end) {
            const uint32_t *e = (const uint32_t *)m;
            kputs("foreign: mmap ");
            kput_hex(e[1]);
            kputs(" +");
            kput_hex(e[3]);
            kputs(" type ");
            kput_dec(e[5]);
            kputs("\n");
            m += e[0] + 4;
        }
    }
    if (mbi[0] & (1u << 3)) {
        const uint32_t *mod = (const uint32_t *)mbi[6];
        for (uint32_t i = 0; i < mbi[5]; i++, mod += 4) {
            kputs("foreign: module '");
            kputs((const char *)mod[2]);
            kputs("' ");
            kput_dec(mod[1] - mod[0]);
            kputs(" bytes, page-aligned ");
            kputs(mod[0] & 0xfff ? "no" : "yes");
            kputs(": ");
            put_bytes((const char *)mod[0], mod[1] - mod[0]);
            kputs("\n");
        }
    }
    if (mbi[0] & (1u << 9)) {
        kputs("foreign: loader '");
        kputs((const char *)mbi[16]);
        kputs("'\n");
    }
}

void kexit(uint32_t code)
{
    kputs("foreign: exit code ");
    kput_dec(code);
    kputs("\n");
    while (!(inb(COM1 + 5) & 0x40)) /* transmitter empty: the last byte is out */
        ;
    outl(0xf4, code);
    for (const char *s = "D";; s = "D")
        outb(0x8900, (uint8_t)*s);
}
