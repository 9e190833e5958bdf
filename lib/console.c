/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/console.c — polled 16550 UARTs plus port 0xE9 (docs/protocol.md, "Channels"). */
#include "lib/console.h"
#include "lib/x86.h"

static uint16_t con_base = COM1_PORT;

void uart_init(uint16_t base)
{
    outb(base + 1, 0x00); /* no UART interrupts */
    outb(base + 3, 0x80); /* DLAB */
    outb(base + 0, 0x01); /* 115200 baud */
    outb(base + 1, 0x00);
    outb(base + 3, 0x03); /* 8N1 */
    outb(base + 2, 0xc7); /* FIFO on, cleared */
    outb(base + 4, 0x03); /* DTR | RTS */
}

/* Under hv/ (con_relayed), every port access of the guest is an exit and hv/'s UART is
 * always ready: a 16550 in FIFO mode (uart_init) takes 16 bytes once THRE says its transmit
 * FIFO is empty, and hv/ copies the lines it relays to 0xE9 itself. Otherwise one byte per
 * THRE, so that a CPU that shuts down loses at most the byte in flight. */
#define UART_TX_FIFO 16

static bool relayed;

void con_relayed(bool on)
{
    relayed = on;
}

void uart_write(uint16_t base, const char *s, size_t n)
{
    while (n) {
        while (!(inb(base + UART_LSR) & UART_LSR_THRE))
            cpu_relax();
        size_t k = !relayed ? 1 : n < UART_TX_FIFO ? n : UART_TX_FIFO;
        for (size_t i = 0; i < k; i++) {
            if (!relayed)
                outb(CONSOLE_E9_PORT, (uint8_t)s[i]);
            outb(base, (uint8_t)s[i]);
        }
        s += k;
        n -= k;
    }
}

void uart_drain(uint16_t base)
{
    while (!(inb(base + UART_LSR) & UART_LSR_TEMT))
        cpu_relax();
}

void con_init(uint16_t base)
{
    con_base = base;
    uart_init(base);
}

void con_write(const char *s, size_t n)
{
    uart_write(con_base, s, n);
}

void con_flush(void)
{
    uart_drain(COM1_PORT);
    if (con_base != COM1_PORT)
        uart_drain(con_base);
}
