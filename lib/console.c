/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/console.c — polled 16550 COM1 plus port 0xE9 (shared BOCHS.md, "Output"). */
#include "lib/console.h"
#include "lib/x86.h"

void con_init(void)
{
    outb(COM1_PORT + 1, 0x00); /* no UART interrupts */
    outb(COM1_PORT + 3, 0x80); /* DLAB */
    outb(COM1_PORT + 0, 0x01); /* 115200 baud */
    outb(COM1_PORT + 1, 0x00);
    outb(COM1_PORT + 3, 0x03); /* 8N1 */
    outb(COM1_PORT + 2, 0xc7); /* FIFO on, cleared */
    outb(COM1_PORT + 4, 0x03); /* DTR | RTS */
}

void con_putc(char c)
{
    outb(CONSOLE_E9_PORT, (uint8_t)c);
    while (!(inb(COM1_LSR) & UART_LSR_THRE))
        cpu_relax();
    outb(COM1_PORT, (uint8_t)c);
}

void con_write(const char *s, size_t n)
{
    while (n--)
        con_putc(*s++);
}

void con_flush(void)
{
    while (!(inb(COM1_LSR) & UART_LSR_TEMT))
        cpu_relax();
}
