/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/console.h — the console: every byte to port 0xE9 (Bochs/QEMU debug port) and COM1. */
#ifndef LIB_CONSOLE_H
#define LIB_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

#define CONSOLE_E9_PORT 0xe9
#define COM1_PORT       0x3f8
#define COM1_LSR        (COM1_PORT + 5)
#define UART_LSR_THRE   0x20 /* transmit holding register empty */
#define UART_LSR_TEMT   0x40 /* transmitter empty */

void con_init(void);
void con_putc(char c);
void con_write(const char *s, size_t n);
void con_flush(void); /* waits until COM1 has sent everything */

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
