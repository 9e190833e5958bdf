/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/io.c — I/O-instruction exits (SDM 27.2.1, Table 27-5): the guest's console and its
 * request to end the run. Guest COM1 bytes are collected per line and re-emitted whole on
 * COM1; hv/'s own reports go to COM2, which the guest cannot reach: every port access of the
 * guest exits here (unconditional I/O exiting), and COM2 is refused (docs/protocol.md,
 * "Channels"). */
#include "hv/hv.h"
#include "hv/multiboot_load.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/console.h"
#include "lib/platform.h"

/* Longer than the runner's protocol-line limit (1024 bytes), so that an over-long guest line
 * reaches the runner whole enough to be judged as one (docs/protocol.md, "Trust"). */
static char line[1280];
static unsigned line_len;

void console_relay_flush(void)
{
    if (!line_len)
        return;
    uart_write(COM1_PORT, line, line_len);
    if (line[line_len - 1] != '\n')
        uart_write(COM1_PORT, "\n", 1);
    line_len = 0;
}

static void relay_byte(char c)
{
    if (line_len == sizeof(line))
        console_relay_flush();
    line[line_len++] = c;
    if (c == '\n')
        console_relay_flush();
}

/* COM2 carries hv/'s reports; a guest that reaches for it is trying to forge them. */
__attribute__((noreturn)) static void report_channel_access(uint16_t port)
{
    hv_fatal("the guest accessed port 0x%x: COM2 (0x2f8-0x2ff) is hv/'s report channel, "
             "refused (docs/protocol.md, \"Channels\")",
             port);
}

static uint32_t port_in(uint16_t port)
{
    uint32_t value;
    if (foreign_active && testdev_port_in(port, &value))
        return value;
    if (port == COM1_LSR)
        return UART_LSR_THRE | UART_LSR_TEMT; /* the relay is always ready */
    if (port >= COM2_PORT && port < COM2_PORT + 8)
        report_channel_access(port);
    if (port >= COM1_PORT && port < COM1_PORT + 8)
        return 0;
    return ~0u; /* nothing there: reads as all ones, like an unclaimed ISA port */
}

static bool port_out(struct vcpu *v, uint16_t port, uint32_t value)
{
    if (port >= COM2_PORT && port < COM2_PORT + 8)
        report_channel_access(port);
    if (foreign_active && testdev_port_out(v, port, value))
        return true;
    if (port == COM1_PORT) {
        relay_byte((char)value);
    } else if (port == QEMU_DEBUG_EXIT_PORT || port == BOCHS_CONTROL_PORT) {
        hv_end_run(v);
    } else if (port == CONSOLE_E9_PORT || (port > COM1_PORT && port < COM1_PORT + 8) ||
               port == 0x21 || port == 0xa1) {
        /* 0xE9 duplicates COM1; UART setup; the 8259A masks (hv keeps the PIC masked) */
    } else {
        return false;
    }
    return true;
}

enum exit_action handle_io(struct vcpu *v)
{
    uint64_t q = v->exit.exit_qualification;
    uint16_t port = IO_QUAL_PORT(q);
    unsigned size = IO_QUAL_SIZE(q);
    if (q & IO_QUAL_STRING)
        hv_fatal("string I/O to port 0x%x is not emulated", port);
    uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
    if (q & IO_QUAL_IN) {
        /* a 32-bit IN writes EAX, which clears RAX[63:32]; 8/16-bit ones merge (SDM 3.4.1.1) */
        uint64_t keep = size == 4 ? 0 : v->regs.rax & ~mask;
        v->regs.rax = keep | (port_in(port) & mask);
    } else if (!port_out(v, port, (uint32_t)(v->regs.rax & mask))) {
        hv_fatal("OUT to unexpected port 0x%x (value 0x%lx) at rip 0x%lx", port, v->regs.rax & mask,
                 vmread(GUEST_RIP));
    }
    skip_instruction(v);
    return EXIT_RESUME;
}
