/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/multiboot_load.c — a Multiboot 1 loader for foreign kernels (docs/foreign-guests.md):
 * the kernel, its command line and modules come in the bundle of lib/foreign_bundle.h.
 * ELF32 and ELF64 program headers and the a.out kludge (header flags bit 16) are loaded at
 * their physical addresses, .bss zeroed; modules follow page-aligned; the information block
 * carries memory sizes, a memory map, the command line, the modules and the loader's name.
 * Section numbers below are those of the Multiboot 1 specification. The same plan serves a
 * run under hv/ (copied into guest memory here) and a bare run (copied by
 * hv/foreign_bare.S after hv/ left long mode), so both see the same memory. */
#include "hv/multiboot_load.h"

#include "hv/hv.h"
#include "lib/console.h"
#include "lib/foreign_bundle.h"
#include "lib/string.h"

#define MB_HEADER_MAGIC 0x1badb002u
#define MB_SEARCH       8192       /* 3.1.1: header in the first 8 KiB */
#define MB_FLAGS_KNOWN  0x7u       /* 3.1.2: page-align, memory, video */
#define MB_FLAG_AOUT    (1u << 16) /* 3.1.3: the address fields are valid */
#define MBI_MEM         (1u << 0)  /* 3.3: mem_lower, mem_upper */
#define MBI_CMDLINE     (1u << 2)
#define MBI_MODS        (1u << 3)
#define MBI_MMAP        (1u << 6)
#define MBI_LOADER_NAME (1u << 9)
#define MBI_GPA         0x9000u /* the information block (same address as for lab guests) */
#define MMAP_GPA        0x9100u
#define MODS_GPA        0x9200u
#define STRINGS_GPA     0x9400u
#define STRINGS_END     0x9fc00u /* the BIOS's EBDA starts here on a bare run */
#define LOW_RAM_KIB     639u
#define LOAD_MIN        0x100000u /* nothing is loaded below 1 MiB (the loader's data) */
#define PAGE            4096u
#define ELF_PT_LOAD     1
#define ELF_MAX_PHDRS   24
#define LOADER_NAME     "redeliver hv/"

_Static_assert(GUEST_RAM_MAX == (uint64_t)FOREIGN_RAM_MAX_MIB << 20, "EPT covers the largest RAM");

bool foreign_active;

static const struct foreign_bundle *bundle(void)
{
    return (const struct foreign_bundle *)(uintptr_t)FOREIGN_BUNDLE_HPA;
}

bool foreign_bundle_present(void)
{
    return memcmp(bundle()->magic, FOREIGN_MAGIC, sizeof(FOREIGN_MAGIC)) == 0;
}

static struct load_copy copies[LOAD_MAX_COPIES];
static unsigned n_copies;
static uint32_t ram_size, load_top;
static const uint8_t *kernel; /* the kernel file inside the bundle */
static uint32_t kernel_size;

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Guest RAM the kernel may be loaded into: [1 MiB, RAM) outside the bundle, which a bare run
 * still reads while it copies (both runs refuse the same images). */
static void add_copy(uint64_t dst, const uint8_t *src, uint64_t len, uint64_t memsz)
{
    /* compared without dst + memsz first: an ELF64 p_paddr near 2^64 wraps the sum below
     * the RAM's end (and hv/ then wrote outside guest RAM) */
    uint64_t end = dst + memsz;
    if (dst < LOAD_MIN || memsz > ram_size || dst > ram_size - memsz)
        hv_fatal("bad image: segment [0x%lx, 0x%lx) is outside guest RAM [1 MiB, %u MiB): too big "
                 "or below 1 MiB",
                 dst, end, ram_size >> 20);
    if (dst < FOREIGN_BUNDLE_HPA + FOREIGN_BUNDLE_MAX && end > FOREIGN_BUNDLE_HPA)
        hv_fatal("bad image: segment [0x%lx, 0x%lx) overlaps hv/'s image area [0x%x, 0x%x) "
                 "(docs/foreign-guests.md)",
                 dst, end, FOREIGN_BUNDLE_HPA, FOREIGN_BUNDLE_HPA + FOREIGN_BUNDLE_MAX);
    for (unsigned i = 0; i < n_copies; i++)
        if (dst < copies[i].dst + copies[i].len + copies[i].zero && end > copies[i].dst)
            hv_fatal("bad image: segment at 0x%lx overlaps another at 0x%x", dst, copies[i].dst);
    if (n_copies == LOAD_MAX_COPIES)
        hv_fatal("bad image: more than %u segments and modules", LOAD_MAX_COPIES);
    copies[n_copies++] = (struct load_copy){(uint32_t)dst, (uint32_t)(uintptr_t)src, (uint32_t)len,
                                            (uint32_t)(memsz - len)};
    if (end > load_top)
        load_top = (uint32_t)end;
}

/* A kernel segment: its file bytes must lie in the file. */
static void add_segment(uint64_t dst, uint64_t file_off, uint64_t len, uint64_t memsz)
{
    if (memsz < len || file_off > kernel_size || len > kernel_size - file_off)
        hv_fatal("bad image: a segment's file bytes (offset 0x%lx, %lu bytes) lie outside the "
                 "%u-byte file or exceed its memory size",
                 file_off, len, kernel_size);
    add_copy(dst, kernel + file_off, len, memsz);
}

/* 3.1.3: the a.out kludge. The header's file offset and header_addr place load_addr. */
static uint32_t load_aout(const uint8_t *h, uint32_t hdr_off)
{
    uint32_t header = rd32(h + 12), load = rd32(h + 16), load_end = rd32(h + 20);
    uint32_t bss_end = rd32(h + 24), entry = rd32(h + 28);
    if (load > header || header - load > hdr_off)
        hv_fatal("bad image: a.out kludge load_addr 0x%x above header_addr 0x%x or before the "
                 "file",
                 load, header);
    uint32_t off = hdr_off - (header - load);
    uint32_t len = load_end ? load_end - load : kernel_size - off; /* 0: the whole file */
    if (load_end && load_end < load)
        hv_fatal("bad image: load_end_addr 0x%x below load_addr 0x%x", load_end, load);
    uint32_t end = bss_end ? bss_end : load + len; /* 0: no .bss */
    if (end < load + len)
        hv_fatal("bad image: bss_end_addr 0x%x below the loaded end 0x%x", bss_end, load + len);
    add_segment(load, off, len, end - load);
    if (entry < load || entry >= load + len)
        hv_fatal("bad image: entry_addr 0x%x outside the loaded bytes", entry);
    return entry;
}

/* 3.1.3 without bit 16: an ELF executable; its PT_LOAD program headers are loaded at p_paddr
 * (ELF32 for EM_386, ELF64 for EM_X86_64, little-endian). */
static uint32_t load_elf(void)
{
    const uint8_t *e = kernel;
    if (kernel_size < 64 || memcmp(e, "\177ELF", 4) != 0 || e[5] != 1)
        hv_fatal("bad image: no a.out kludge (header flags bit 16) and not a little-endian ELF "
                 "file");
    bool is64 = e[4] == 2;
    uint16_t machine = rd16(e + 18);
    if ((is64 && machine != 62) || (!is64 && (e[4] != 1 || machine != 3)))
        hv_fatal("bad image: ELF class %u machine %u (want ELF32 i386 or ELF64 x86-64)", e[4],
                 machine);
    uint64_t entry = is64 ? rd64(e + 24) : rd32(e + 24);
    uint64_t phoff = is64 ? rd64(e + 32) : rd32(e + 28);
    uint16_t phentsize = rd16(e + (is64 ? 54 : 42)), phnum = rd16(e + (is64 ? 56 : 44));
    if (phnum > ELF_MAX_PHDRS || phentsize < (is64 ? 56 : 32) || phoff > kernel_size ||
        (uint64_t)phnum * phentsize > kernel_size - phoff)
        hv_fatal("bad image: ELF program headers (%u at 0x%lx) do not fit the file", phnum, phoff);
    unsigned loaded = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *p = e + phoff + (uint64_t)i * phentsize;
        if (rd32(p) != ELF_PT_LOAD)
            continue;
        uint64_t off = is64 ? rd64(p + 8) : rd32(p + 4);
        uint64_t paddr = is64 ? rd64(p + 24) : rd32(p + 12);
        uint64_t filesz = is64 ? rd64(p + 32) : rd32(p + 16);
        uint64_t memsz = is64 ? rd64(p + 40) : rd32(p + 20);
        if (memsz)
            add_segment(paddr, off, filesz, memsz);
        loaded++;
    }
    if (!loaded)
        hv_fatal("bad image: the ELF file has no PT_LOAD program header");
    if (entry >= ram_size)
        hv_fatal("bad image: ELF entry 0x%lx is not a guest-physical address in RAM", entry);
    return (uint32_t)entry;
}

/* 3.1.1/3.1.2: the header, its checksum and the features it requires. */
static uint32_t load_kernel(void)
{
    uint32_t limit = kernel_size < MB_SEARCH ? kernel_size : MB_SEARCH;
    for (uint32_t off = 0; off + 12 <= limit; off += 4) {
        const uint8_t *h = kernel + off;
        if (rd32(h) != MB_HEADER_MAGIC)
            continue;
        uint32_t flags = rd32(h + 4);
        if (rd32(h) + flags + rd32(h + 8) != 0)
            hv_fatal("bad image: Multiboot header at offset 0x%x has a bad checksum", off);
        if (flags & 0xffffu & ~MB_FLAGS_KNOWN)
            hv_fatal("bad image: Multiboot header requires features 0x%x this loader lacks",
                     flags & 0xffffu & ~MB_FLAGS_KNOWN);
        if (!(flags & MB_FLAG_AOUT))
            return load_elf();
        if (off + 32 > kernel_size)
            hv_fatal("bad image: the a.out kludge fields are cut off by the end of the file");
        return load_aout(h, off);
    }
    hv_fatal("bad image: no Multiboot 1 header in the first 8 KiB (magic 0x1badb002)");
}

static bool has_nul(const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!s[i])
            return true;
    return false;
}

static const char *bundle_string(uint32_t off)
{
    const struct foreign_bundle *b = bundle();
    const char *s = (const char *)b + off;
    if (off < sizeof(*b) || off >= b->total_size || !has_nul(s, b->total_size - off))
        hv_fatal("bad bundle: string at offset 0x%x is not inside it", off);
    return s;
}

static void check_file(const struct foreign_file *f, const char *what)
{
    const struct foreign_bundle *b = bundle();
    if (f->offset < sizeof(*b) || f->offset > b->total_size || f->size > b->total_size - f->offset)
        hv_fatal("bad bundle: %s (offset 0x%x, %u bytes) is not inside it", what, f->offset,
                 f->size);
    (void)bundle_string(f->string);
}

/* Writes to guest memory: through hv/'s map of guest RAM, or directly on a bare run (the
 * loader's data lies below 1 MiB, where hv/ is not). */
static bool bare;
static void *guest(uint32_t gpa)
{
    return bare ? (void *)(uintptr_t)gpa : gpa_to_hva(gpa);
}

static uint32_t strings_at = STRINGS_GPA;
static uint32_t put_string(const char *s)
{
    size_t n = strlen(s) + 1;
    if (strings_at + n > STRINGS_END)
        hv_fatal("bad bundle: the command line and module strings exceed %u bytes",
                 STRINGS_END - STRINGS_GPA);
    memcpy(guest(strings_at), s, n);
    strings_at += (uint32_t)n;
    return strings_at - (uint32_t)n;
}

/* 3.3: the information block, the memory map (type 1 available, 2 reserved) and modules. */
static void write_info(const struct foreign_bundle *b)
{
    uint32_t *mbi = guest(MBI_GPA);
    memset(mbi, 0, 0x100);
    mbi[0] = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME | (b->n_modules ? MBI_MODS : 0);
    mbi[1] = LOW_RAM_KIB;
    mbi[2] = (ram_size - LOAD_MIN) / 1024;
    mbi[4] = put_string(bundle_string(b->cmdline));
    static const uint32_t map[3][3] = {
        {0, LOW_RAM_KIB * 1024, 1}, {0xf0000, 0x10000, 2}, {LOAD_MIN, 0, 1}};
    uint32_t *m = guest(MMAP_GPA);
    for (unsigned i = 0; i < 3; i++, m += 6) {
        m[0] = 20; /* size of the entry without this field */
        m[1] = map[i][0];
        m[2] = 0;
        m[3] = i == 2 ? ram_size - LOAD_MIN : map[i][1];
        m[4] = 0;
        m[5] = map[i][2];
    }
    mbi[11] = 3 * 24; /* mmap_length, mmap_addr */
    mbi[12] = MMAP_GPA;
    uint32_t at = (load_top > FOREIGN_BUNDLE_HPA + FOREIGN_BUNDLE_MAX
                       ? load_top
                       : FOREIGN_BUNDLE_HPA + FOREIGN_BUNDLE_MAX);
    uint32_t *mod = guest(MODS_GPA);
    for (unsigned i = 0; i < b->n_modules; i++, mod += 4) {
        const struct foreign_file *f = &b->modules[i];
        at = (at + PAGE - 1) & ~(PAGE - 1); /* 3.1.2 bit 0: page-aligned, always */
        add_copy(at, (const uint8_t *)b + f->offset, f->size, f->size);
        mod[0] = at;
        mod[1] = at + f->size;
        mod[2] = put_string(bundle_string(f->string));
        mod[3] = 0;
        at += f->size;
    }
    mbi[5] = b->n_modules;
    mbi[6] = MODS_GPA;
    mbi[16] = put_string(LOADER_NAME);
}

uint64_t foreign_load(void)
{
    const struct foreign_bundle *b = bundle();
    extern char __bss_end[];
    if ((uintptr_t)__bss_end > FOREIGN_BUNDLE_HPA)
        hv_fatal("hv/ ends at %p, inside the foreign image area at 0x%x", (void *)__bss_end,
                 FOREIGN_BUNDLE_HPA);
    if (b->total_size < sizeof(*b) || b->total_size > FOREIGN_BUNDLE_MAX)
        hv_fatal("bad bundle: %u bytes (at most %u: optramimage2..4)", b->total_size,
                 FOREIGN_BUNDLE_MAX);
    if (b->ram_mib < FOREIGN_RAM_MIN_MIB || b->ram_mib > FOREIGN_RAM_MAX_MIB)
        hv_fatal("bad bundle: guest RAM %u MiB (from %u to %u)", b->ram_mib, FOREIGN_RAM_MIN_MIB,
                 FOREIGN_RAM_MAX_MIB);
    if (b->n_modules > FOREIGN_MAX_MODULES)
        hv_fatal("bad bundle: %u modules (at most %u)", b->n_modules, FOREIGN_MAX_MODULES);
    check_file(&b->kernel, "the kernel");
    for (unsigned i = 0; i < b->n_modules; i++)
        check_file(&b->modules[i], "a module");
    bare = b->flags & FOREIGN_FLAG_BARE;
    ram_size = b->ram_mib << 20;
    if (!bare)
        guest_ram_size = ram_size;
    kernel = (const uint8_t *)b + b->kernel.offset;
    kernel_size = b->kernel.size;
    uint32_t entry = load_kernel();
    write_info(b);
    foreign_active = true;
    kprintf("hv: foreign kernel '%s': %u bytes, %u module(s), %u MiB RAM, entry 0x%x%s\n",
            bundle_string(b->kernel.string), kernel_size, b->n_modules, b->ram_mib, entry,
            bare ? ", bare: loader only, no VMX" : "");
    if (bare) {
        size_t n = (size_t)(foreign_bare_end - foreign_bare_start);
        memcpy((void *)(uintptr_t)BARE_COPIES_PA, copies, sizeof(copies));
        memcpy((void *)(uintptr_t)BARE_TRAMPOLINE_PA, foreign_bare_start, n);
        void (*go)(uint32_t, uint32_t, uint32_t, uint32_t) =
            (void (*)(uint32_t, uint32_t, uint32_t, uint32_t))(uintptr_t)BARE_TRAMPOLINE_PA;
        go(BARE_COPIES_PA, n_copies, entry, MBI_GPA);
        hv_fatal("the bare trampoline returned");
    }
    for (unsigned i = 0; i < n_copies; i++) {
        memcpy(gpa_to_hva(copies[i].dst), (const void *)(uintptr_t)copies[i].src, copies[i].len);
        memset(gpa_to_hva(copies[i].dst + copies[i].len), 0, copies[i].zero);
    }
    return entry;
}
