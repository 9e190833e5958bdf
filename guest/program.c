/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/program.c — the interpreter of generated scenarios (guest/program.h, docs/fuzz.md):
 * parse `<op>.<op>...@<target><pages>`, build the row, run its ops in order, arming the
 * perturbation right before the target op so that exactly that op's delivery is cut short. */
#include "guest/program.h"
#include "guest/guest.h"
#include "lib/console.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "lib/program_vector.h"

static struct program prog;
static int cur_op = -1;
static bool nmi_sent[PROGRAM_MAX_OPS];

static bool one_of(const char *set, char c)
{
    for (; c && *set; set++)
        if (*set == c)
            return true;
    return false;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Two hex digits: a vector 0x20-0xfe (0-31 are reserved for exceptions, SDM 6.2; 0xff is
 * the APIC's spurious vector here, guest/apic.c) */
static const char *parse_vector(const char **s, uint8_t *v)
{
    int hi = hex_digit((*s)[0]), lo = hi < 0 ? -1 : hex_digit((*s)[1]);
    if (hi < 0 || lo < 0)
        return "a vector is two lower-case hex digits";
    *v = (uint8_t)(hi * 16 + lo);
    *s += 2;
    return *v >= 0x20 && *v != 0xff ? 0 : "a vector must be 0x20-0xfe";
}

static const char *parse_op(const char **s, struct program_op *op)
{
    memset(op, 0, sizeof(*op));
    op->kind = *(*s)++;
    switch (op->kind) {
    case 'g':
    case 'p':
    case 'u':
    case 'd':
    case 'b':
    case 's':
    case 'w':
    case 'm':
        break;
    case 'n': {
        const char *why = parse_vector(s, &op->arg);
#define INT_N(v) || op->arg == (v)
        if (!why && !(0 PROGRAM_INT_N_VECTORS(INT_N)))
            why = "INT n takes one of 21 40 80 e0";
#undef INT_N
        return why;
    }
    case 'i':
    case 'q':
        return parse_vector(s, &op->arg);
    case 't': {
        int d = hex_digit(**s);
        if (d < 0)
            return "t takes one hex digit (the TPR)";
        op->arg = (uint8_t)d;
        (*s)++;
        break;
    }
    case 'x':
        op->arg = (uint8_t) * (*s)++;
        if (!one_of("gpnb8", (char)op->arg))
            return "x takes one of g p n b 8 (the injected event)";
        break;
    default:
        return "unknown op (g p u d b n s w i q m t x)";
    }
    return 0;
}

static bool shadowable(char kind)
{
    return one_of("gpudbnsw", kind);
}

static const char *parse_mods(const char **s, struct program_op *op)
{
    for (;; (*s)++) {
        if (**s == '+' || **s == '~') {
            if (op->shadow || !shadowable(op->kind))
                return "one shadow (+ or ~), on an instruction op (g p u d b n s w)";
            op->shadow = **s;
        } else if (**s == '^') {
            op->nmi_in_handler = true;
        } else {
            return 0;
        }
    }
}

static const char *parse_pages(const char *s, struct program *p)
{
    static const char letters[] = "sigt"; /* PAGE_STACK, PAGE_IDT, PAGE_GDT, PAGE_TSS */
    uint32_t seen = 0;
    for (unsigned i = 0; s[i]; i++) {
        unsigned page = 0;
        while (letters[page] && letters[page] != s[i])
            page++;
        if (!letters[page])
            return "pages are letters of s i g t (stack, IDT, GDT, TSS)";
        if (seen & (1u << page))
            return "a page is named twice";
        seen |= 1u << page;
        if (i == 0)
            p->page = (enum perturb_page)page;
        else
            p->also_pages |= 1u << page;
    }
    return seen ? 0 : "no page to perturb after the target";
}

const char *program_parse(const char *s, struct program *p)
{
    memset(p, 0, sizeof(*p));
    for (;;) {
        if (p->n == PROGRAM_MAX_OPS)
            return "at most 4 ops";
        const char *why = parse_op(&s, &p->op[p->n]);
        if (!why)
            why = parse_mods(&s, &p->op[p->n]);
        if (why)
            return why;
        p->n++;
        if (*s == '@')
            break;
        if (*s++ != '.')
            return "ops are separated by '.' and end with '@'";
    }
    s++;
    int t = hex_digit(*s++);
    if (t < 0 || (unsigned)t >= p->n)
        return "'@' is followed by the index of an op (0-based)";
    p->target = (unsigned)t;
    if (program_op_vector(&p->op[t]) < 0)
        return "the target op raises no event";
    return parse_pages(s, p);
}

int program_op_vector(const struct program_op *op)
{
    return program_kind_vector(op->kind, op->arg);
}

bool program_needs_hv(const struct program *p)
{
    for (unsigned i = 0; i < p->n; i++)
        if (p->op[i].kind == 'x')
            return true;
    return false;
}

static void program_trigger(void)
{
    memset(nmi_sent, 0, sizeof(nmi_sent));
    for (unsigned i = 0; i < prog.n; i++) {
        cur_op = (int)i;
        if (i == prog.target) /* this op's delivery, and no earlier one, is perturbed */
            scenario_arm(current_row);
        program_op_run(&prog.op[i]);
    }
    cur_op = -1;
    __asm__ volatile("mov %0, %%cr8" ::"r"(0ul) : "memory"); /* TPR 0 again (SDM 10.8.6.1) */
}

/* '^': the handler of the op's first event sends a self-NMI (held back while an NMI's
 * handler runs, SDM 6.7.1). */
static void program_on_event(struct trap_frame *f)
{
    (void)f;
    if (cur_op < 0 || !prog.op[cur_op].nmi_in_handler || nmi_sent[cur_op])
        return;
    nmi_sent[cur_op] = true;
    apic_self_nmi();
}

static void program_setup(void)
{
    if (program_needs_hv(&prog) && !hv_present())
        guest_finish("SKIP", "needs hv/: injected events exist only under a hypervisor");
}

const struct scenario *program_resolve(const char *name, const char *text, struct scenario *scratch)
{
    const char *why = program_parse(text, &prog);
    if (why) {
        kprintf("guest: bad program '%s': %s\n", text, why);
        return 0;
    }
    memset(scratch, 0, sizeof(*scratch));
    scratch->name = name;
    scratch->vector = (uint8_t)program_op_vector(&prog.op[prog.target]);
    scratch->perturb = PERTURB_EPT_NOT_PRESENT;
    scratch->page = prog.page;
    scratch->also_pages = prog.also_pages;
    scratch->setup = program_setup;
    scratch->trigger = program_trigger;
    scratch->on_event = program_on_event;
    scratch->arms_itself = true;
    return scratch;
}
