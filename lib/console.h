/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/console.h — polled 16550 UARTs and port 0xE9 (docs/protocol.md, "Channels").
 *
 * kprintf() writes to one console UART, chosen by con_init(): COM1 for the guest, COM2 for
 * hv/ (its report channel, which the guest cannot reach: every guest port access exits to
 * hv/). Every console byte is copied to port 0xE9 for people watching the emulator. */
#ifndef LIB_CONSOLE_H
#define LIB_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_E9_PORT 0xe9
#define COM1_PORT       0x3f8
#define COM2_PORT       0x2f8
#define UART_LSR        5 /* line status register, offset from the base port */
#define COM1_LSR        (COM1_PORT + UART_LSR)
#define UART_LSR_THRE   0x20 /* transmit holding register empty */
#define UART_LSR_TEMT   0x40 /* transmitter empty */

void uart_init(uint16_t base);
void uart_write(uint16_t base, const char *s, size_t n); /* also to port 0xE9 */
void uart_drain(uint16_t base);
/* The guest under hv/, which relays its console (hv/io.c): uart_write() writes up to 16
 * bytes per status read and no copy to port 0xE9 (hv/ makes that copy). Default off. */
void con_relayed(bool on); /* waits until it sent everything */

void con_init(uint16_t base); /* the console UART: initialised, kprintf() writes there */
void con_write(const char *s, size_t n);
void con_flush(void); /* drains COM1 and the console UART */

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
