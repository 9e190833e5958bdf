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

void uart_write(uint16_t base, const char *s, size_t n)
{
    for (; n--; s++) {
        outb(CONSOLE_E9_PORT, (uint8_t)*s);
        while (!(inb(base + UART_LSR) & UART_LSR_THRE))
            cpu_relax();
        outb(base, (uint8_t)*s);
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
