/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/kernel.h — the small Multiboot 1 kernels that test run-image and hv/'s
 * loader (docs/foreign-guests.md). 32-bit code, entered as a Multiboot loader leaves it;
 * they know nothing of redeliver's guest/ or lib/: a foreign kernel's view. */
#ifndef TESTS_FOREIGN_KERNEL_H
#define TESTS_FOREIGN_KERNEL_H

#include <stdint.h>

void kputs(const char *s);
void kput_hex(uint32_t v);
void kput_dec(uint32_t v);
/* Print what the loader passed: command line, memory, map, modules and their contents. */
void report_boot_info(uint32_t magic, const uint32_t *mbi);
/* "exit code N" on the console, then port 0xF4 (QEMU isa-debug-exit, hv/) and 0x8900 (Bochs). */
__attribute__((noreturn)) void kexit(uint32_t code);
void outl(uint16_t port, uint32_t v);

/* tests/foreign/tables.c: load a flat GDT and an IDT of 32 interrupt gates */
void load_tables(void);
void set_gate(unsigned vector, void (*fn)(void));

/* tests/foreign/cpu.c: CR0/CR4, XSETBV, CPUID OS bits, RDTSCP as a general kernel uses them */
void cpu_test(void);

/* tests/foreign/paging.c: PAE paging and IA-32e mode on and off through CR0 writes hv/ emulates */
void paging_test(void);

/* tests/foreign/task.c: JMPs between two TSSes (SDM 7.3), the last with paging on, which hv/
 * refuses (the others it emulates) */
void task_test(void);

/* tests/foreign/vector.c: the pc-testdev perturbation of the kernel's own stack page */
void vector_test(void);

#endif
