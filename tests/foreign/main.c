/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/main.c — kmain of the foreign test kernels: report the boot information,
 * check .bss, run the vectoring (FOREIGN_VECTOR) CPU-state (FOREIGN_CPU) or task-switch
 * (FOREIGN_TASK) test where built in, exit. */
#include "tests/foreign/kernel.h"

static uint8_t bss_probe[64];
extern const uint8_t bss_marker[] __attribute__((weak));

void kmain(uint32_t magic, const uint32_t *mbi);

void kmain(uint32_t magic, const uint32_t *mbi)
{
    report_boot_info(magic, mbi);
    unsigned nonzero = 0;
    for (unsigned i = 0; i < sizeof(bss_probe); i++)
        nonzero += bss_probe[i] != 0;
    for (unsigned i = 0; bss_marker && i < 256; i++)
        nonzero += bss_marker[i] != 0; /* past load_end_addr: .bss, zeroed by the loader */
    kputs(nonzero ? "foreign: .bss NOT zero\n" : "foreign: .bss zero\n");
#ifdef FOREIGN_VECTOR
    vector_test();
#endif
#ifdef FOREIGN_CPU
    cpu_test();
#endif
#ifdef FOREIGN_TASK
    task_test();
#endif
    kexit(magic == 0x2badb002u && !nonzero ? 0 : 1);
}
