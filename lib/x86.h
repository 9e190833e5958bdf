/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/x86.h — x86-64 instruction helpers shared by hv/ and guest/. */
#ifndef LIB_X86_H
#define LIB_X86_H

#include <stdint.h>

#define X86_CR0_PE    (1ul << 0)
#define X86_CR0_NE    (1ul << 5)
#define X86_CR0_AM    (1ul << 18)
#define X86_CR0_NW    (1ul << 29)
#define X86_CR0_CD    (1ul << 30)
#define X86_CR0_PG    (1ul << 31)
#define X86_CR4_DE    (1ul << 3)
#define X86_CR4_PAE   (1ul << 5)
#define X86_CR4_VMXE  (1ul << 13)
#define X86_RFLAGS_TF (1ul << 8)
#define X86_RFLAGS_IF (1ul << 9)
#define X86_RFLAGS_DF (1ul << 10)
#define X86_RFLAGS_RF (1ul << 16)
#define X86_RFLAGS_AC (1ul << 18)
#define X86_EFER_SCE  (1ul << 0)

#define MSR_IA32_APIC_BASE       0x1b
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_SYSENTER_CS     0x174
#define MSR_IA32_SYSENTER_ESP    0x175
#define MSR_IA32_SYSENTER_EIP    0x176
#define MSR_IA32_PAT             0x277
#define MSR_IA32_EFER            0xc0000080
#define MSR_STAR                 0xc0000081
#define MSR_LSTAR                0xc0000082
#define MSR_FMASK                0xc0000084
#define MSR_FS_BASE              0xc0000100
#define MSR_GS_BASE              0xc0000101

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

#define DEFINE_CR_ACCESSORS(n)                                                                     \
    static inline uint64_t read_cr##n(void)                                                        \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    static inline void write_cr##n(uint64_t v)                                                     \
    {                                                                                              \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");                                   \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

#define DEFINE_DR_READ(n)                                                                          \
    static inline uint64_t read_dr##n(void)                                                        \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("mov %%dr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }
DEFINE_DR_READ(0)
DEFINE_DR_READ(1)
DEFINE_DR_READ(2)
DEFINE_DR_READ(3)
#undef DEFINE_DR_READ

#define DEFINE_DR_WRITE(n)                                                                         \
    static inline void write_dr##n(uint64_t v)                                                     \
    {                                                                                              \
        __asm__ volatile("mov %0, %%dr" #n ::"r"(v));                                              \
    }
DEFINE_DR_WRITE(0)
DEFINE_DR_WRITE(1)
DEFINE_DR_WRITE(2)
DEFINE_DR_WRITE(3)
#undef DEFINE_DR_WRITE

static inline uint64_t read_dr6(void)
{
    uint64_t v;
    __asm__ volatile("mov %%dr6, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_dr7(void)
{
    uint64_t v;
    __asm__ volatile("mov %%dr7, %0" : "=r"(v));
    return v;
}

static inline void write_dr6(uint64_t v)
{
    __asm__ volatile("mov %0, %%dr6" ::"r"(v));
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint16_t read_cs(void)
{
    uint16_t v;
    __asm__ volatile("mov %%cs, %0" : "=r"(v));
    return v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

#endif
