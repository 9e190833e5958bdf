/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/cpu.c — state changes a general kernel makes, printed so that run-image can
 * compare them with a bare CPU (docs/foreign-guests.md): under hv/ each takes an exit that
 * hv/ emulates (hv/cr_access.c) or a secondary control it enabled.
 *   CR0.CD/NW at entry (as the firmware left them), CR0.CD (set, cleared), CR0.NE (cleared,
 *   set): owned by hv/, read from the shadow;
 *   CR0.NW without CD: #GP(0) (SDM Vol. 2 "MOV—Move to/from Control Registers");
 *   CR4.OSXSAVE: CPUID.1:ECX.OSXSAVE follows it (SDM 2.5); XSETBV of XCR0 = 3 reads back
 *   with XGETBV, XCR0 = 0 is #GP(0) (SDM 13.3);
 *   RDTSCP: no #UD where CPUID.80000001H:EDX[27] says the CPU has it;
 *   paging on and off with PAE and in IA-32e mode (tests/foreign/paging.c);
 *   fw_cfg (0x510/0x511): none on Bochs, all ones bare and under hv/;
 *   CPUID.1:ECX[31], the hypervisor bit: 1 under hv/ only (a line that legitimately
 *   differs, for run-image --filter). */
#include "tests/foreign/kernel.h"

#define CR0_NE    (1u << 5)
#define CR0_NW    (1u << 29)
#define CR0_CD    (1u << 30)
#define CR4_OSXS  (1u << 18)
#define GP_VECTOR 13

volatile uint32_t gp_count, ud3_count;

void gp_entry(void);
void ud3_entry(void);
/* Each instruction that faults here is 3 bytes long (MOV to CR0 from EAX, XSETBV, RDTSCP). */
__asm__(".text\n"
        "gp_entry: incl gp_count\n"
        "    addl $4, %esp\n" /* the error code */
        "    addl $3, (%esp)\n"
        "    iret\n"
        "ud3_entry: incl ud3_count\n"
        "    addl $3, (%esp)\n"
        "    iret\n");

static uint32_t read_cr0(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr0, %0" : "=r"(v));
    return v;
}

static void write_cr0(uint32_t v)
{
    __asm__ volatile("movl %0, %%cr0" ::"a"(v) : "memory"); /* 0f 22 c0: 3 bytes */
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

static void bit(const char *what, uint32_t v, uint32_t mask)
{
    kputs("foreign: ");
    kputs(what);
    kputs(v & mask ? " 1\n" : " 0\n");
}

static void xcr0_test(void)
{
    uint32_t r[4], cr4;
    cpuid(1, r);
    if (!(r[2] & (1u << 26))) {
        kputs("foreign: no XSAVE\n");
        return;
    }
    bit("CPUID.1:ECX.OSXSAVE before CR4.OSXSAVE", r[2], 1u << 27);
    __asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("movl %0, %%cr4" ::"r"(cr4 | CR4_OSXS));
    cpuid(1, r);
    bit("CPUID.1:ECX.OSXSAVE after", r[2], 1u << 27);
    __asm__ volatile("xsetbv" ::"c"(0), "a"(3), "d"(0));
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    kputs("foreign: XCR0 after XSETBV 3: ");
    kput_hex(lo);
    kputs("\n");
    uint32_t before = gp_count;
    __asm__ volatile("xsetbv" ::"c"(0), "a"(0), "d"(0)); /* x87 bit clear: #GP(0) */
    kputs(gp_count == before + 1 ? "foreign: XSETBV 0: #GP\n" : "foreign: XSETBV 0: no #GP\n");
}

void cpu_test(void)
{
    load_tables();
    set_gate(GP_VECTOR, gp_entry);
    set_gate(6, ud3_entry);
    uint32_t cr0 = read_cr0();
    bit("CR0.CD at entry", cr0, CR0_CD);
    bit("CR0.NW at entry", cr0, CR0_NW);
    cr0 &= ~(CR0_CD | CR0_NW); /* caching on: CD = NW = 0 is always a valid pair */
    write_cr0(cr0);
    bit("CR0.CD after enabling caching", read_cr0(), CR0_CD);
    write_cr0(cr0 | CR0_CD);
    bit("CR0.CD after setting it", read_cr0(), CR0_CD);
    write_cr0(cr0 & ~CR0_CD);
    bit("CR0.CD after clearing it", read_cr0(), CR0_CD);
    write_cr0(cr0 & ~CR0_NE);
    bit("CR0.NE after clearing it", read_cr0(), CR0_NE);
    write_cr0(cr0 | CR0_NE);
    bit("CR0.NE after setting it", read_cr0(), CR0_NE);
    write_cr0((cr0 & ~CR0_CD) | CR0_NW);
    kputs(gp_count == 1 ? "foreign: CR0.NW without CD: #GP\n"
                        : "foreign: CR0.NW without CD: no #GP\n");
    xcr0_test();
    paging_test();
    uint32_t r[4];
    cpuid(1, r); /* differs from a bare CPU on purpose: run-image --filter's test */
    bit("CPUID.1:ECX.hypervisor", r[2], 1u << 31);
    __asm__ volatile("outw %0, %1" ::"a"((uint16_t)0), "Nd"((uint16_t)0x510)); /* fw_cfg */
    uint8_t sig;
    __asm__ volatile("inb %1, %0" : "=a"(sig) : "Nd"((uint16_t)0x511));
    kputs("foreign: fw_cfg signature byte ");
    kput_hex(sig);
    kputs("\n");
    cpuid(0x80000001u, r);
    if (r[3] & (1u << 27)) {
        uint32_t aux;
        __asm__ volatile("rdtscp" : "=c"(aux)::"eax", "edx");
        kputs(ud3_count ? "foreign: RDTSCP: #UD\n" : "foreign: RDTSCP: ran\n");
    } else {
        kputs("foreign: no RDTSCP\n");
    }
}
