/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/gen.c — see gen.h. The grammar is docs/fuzz.md's; guest/program.c parses the same. */
#include "runner/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/util.h"
#include "lib/program_vector.h"

/* splitmix64: every (seed, index) pair starts a stream of its own */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned pick(uint64_t *s, unsigned n)
{
    return (unsigned)(next(s) % n);
}

/* INT n: the vectors guest/program_ops.c has an instruction for (PROGRAM_INT_N_VECTORS) */
static const unsigned int_n_vectors[] = {0x21, 0x40, 0x80, 0xe0};
/* self-IPIs: priority classes 4, 5, 9 and 0xe (SDM 10.8.3.1); 0x40 and 0xe0 are INT n
 * vectors too */
static const unsigned ipi_vectors[] = {0x40, 0x41, 0x50, 0x90, 0xe0};
static const unsigned tpr_values[] = {0, 4, 5, 0xe};

static bool instruction_op(char kind)
{
    return kind && strchr("gpudbnsw", kind);
}

static bool window_op(const struct gen_op *op)
{
    return op->kind == 'i' || op->shadow == '+';
}

static void random_op(uint64_t *s, struct gen_op *op)
{
    /* exceptions and traps weigh most; hv/-injected events are rare (they change the
     * reference to the unperturbed run under hv/) */
    static const char weighted[] = "ggppuuddbbnnssswwiiiqqmmmtx";
    memset(op, 0, sizeof(*op));
    op->kind = weighted[pick(s, sizeof(weighted) - 1)];
    switch (op->kind) {
    case 'n':
        op->arg = int_n_vectors[pick(s, ARRAY_SIZE(int_n_vectors))];
        break;
    case 'i':
    case 'q':
        op->arg = ipi_vectors[pick(s, ARRAY_SIZE(ipi_vectors))];
        break;
    case 't':
        op->arg = tpr_values[pick(s, ARRAY_SIZE(tpr_values))];
        break;
    case 'x':
        op->arg = (unsigned char)"gpnb8"[pick(s, 5)];
        break;
    }
    unsigned r = pick(s, 20);
    if (instruction_op(op->kind) && r < 5)
        op->shadow = '+';
    else if (instruction_op(op->kind) && r < 7)
        op->shadow = '~';
    op->nmi = op->kind != 't' && pick(s, 10) == 0;
}

void gen_random(uint64_t seed, uint64_t index, struct gen_program *p)
{
    uint64_t s = seed * 0xd1342543de82ef95ull + index;
    next(&s);
    memset(p, 0, sizeof(*p));
    p->n = 2 + pick(&s, GEN_MAX_OPS - 1);
    for (unsigned i = 0; i < p->n; i++)
        random_op(&s, &p->op[i]);
    unsigned with_event[GEN_MAX_OPS], n_event = 0;
    for (unsigned i = 0; i < p->n; i++)
        if (gen_op_vector(&p->op[i]) >= 0)
            with_event[n_event++] = i;
    if (n_event == 0) { /* only TPR writes: make the first op raise something */
        p->op[0] = (struct gen_op){.kind = 'g'};
        with_event[n_event++] = 0;
    }
    p->target = with_event[pick(&s, n_event)];
    /* a pending interrupt that no later op lets in is never delivered: open a window */
    struct gen_op *t = &p->op[p->target];
    bool window = false;
    for (unsigned i = p->target + 1; i < p->n; i++)
        window |= window_op(&p->op[i]);
    if (t->kind == 'q' && !window)
        t->kind = 'i';
    static const char pages[] = "sssiggtt";
    p->pages[0] = pages[pick(&s, sizeof(pages) - 1)];
    if (pick(&s, 5) == 0) {
        char extra = "sigt"[pick(&s, 4)];
        if (extra != p->pages[0])
            p->pages[1] = extra;
    }
    /* MOV SS reads the GDT (SDM 3.4.3): from the target on, it would take the perturbation
     * before any delivery does */
    for (unsigned i = p->target; strchr(p->pages, 'g') && i < p->n; i++)
        if (p->op[i].shadow == '~')
            p->op[i].shadow = 0;
}

static void format_op(struct sbuf *sb, const struct gen_op *op)
{
    sb_addf(sb, "%c", op->kind);
    if (op->kind == 'n' || op->kind == 'i' || op->kind == 'q')
        sb_addf(sb, "%02x", op->arg);
    else if (op->kind == 't')
        sb_addf(sb, "%x", op->arg);
    else if (op->kind == 'x')
        sb_addf(sb, "%c", (char)op->arg);
    if (op->shadow)
        sb_addf(sb, "%c", op->shadow);
    if (op->nmi)
        sb_add(sb, "^");
}

char *gen_format_program(const struct gen_program *p)
{
    struct sbuf sb = {0};
    for (unsigned i = 0; i < p->n; i++) {
        if (i)
            sb_add(&sb, ".");
        format_op(&sb, &p->op[i]);
    }
    sb_addf(&sb, "@%u%s", p->target, p->pages);
    return sb.buf;
}

char *gen_format(const struct gen_program *p)
{
    char *prog = gen_format_program(p);
    char *s = xasprintf(GEN_PREFIX "%s", prog);
    free(prog);
    return s;
}

int gen_op_vector(const struct gen_op *op)
{
    return program_kind_vector(op->kind, op->arg);
}

bool gen_needs_hv(const struct gen_program *p)
{
    for (unsigned i = 0; i < p->n; i++)
        if (p->op[i].kind == 'x')
            return true;
    return false;
}

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static const char *parse_op(const char **s, struct gen_op *op)
{
    memset(op, 0, sizeof(*op));
    op->kind = **s;
    if (!op->kind || !strchr(GEN_OPS, op->kind))
        return "unknown op (one of " GEN_OPS ")";
    (*s)++;
    if (op->kind == 'n' || op->kind == 'i' || op->kind == 'q') {
        if (hex((*s)[0]) < 0 || hex((*s)[1]) < 0)
            return "a vector is two lower-case hex digits";
        op->arg = (unsigned)(hex((*s)[0]) * 16 + hex((*s)[1]));
        *s += 2;
        if (op->arg < 0x20 || op->arg == 0xff)
            return "a vector must be 0x20-0xfe";
        bool ok = op->kind != 'n';
        for (size_t i = 0; i < ARRAY_SIZE(int_n_vectors); i++)
            ok |= op->arg == int_n_vectors[i];
        if (!ok)
            return "INT n takes one of 21 40 80 e0";
    } else if (op->kind == 't') {
        if (hex(**s) < 0)
            return "t takes one hex digit (the TPR)";
        op->arg = (unsigned)hex(*(*s)++);
    } else if (op->kind == 'x') {
        if (!**s || !strchr("gpnb8", **s))
            return "x takes one of g p n b 8 (the injected event)";
        op->arg = (unsigned char)*(*s)++;
    }
    for (;; (*s)++) {
        if (**s == '+' || **s == '~') {
            if (op->shadow || !instruction_op(op->kind))
                return "one shadow (+ or ~), on an instruction op (g p u d b n s w)";
            op->shadow = **s;
        } else if (**s == '^') {
            op->nmi = true;
        } else {
            return NULL;
        }
    }
}

int gen_parse(const char *spec, struct gen_program *p, char **err)
{
    const char *why = NULL, *s = spec;
    memset(p, 0, sizeof(*p));
    if (strncmp(s, GEN_PREFIX, strlen(GEN_PREFIX)) != 0) {
        *err = xasprintf("'%s': a generated scenario starts with " GEN_PREFIX, spec);
        return -1;
    }
    s += strlen(GEN_PREFIX);
    for (;;) {
        if (p->n == GEN_MAX_OPS) {
            why = "at most 4 ops";
            break;
        }
        if ((why = parse_op(&s, &p->op[p->n])) != NULL)
            break;
        p->n++;
        if (*s == '@')
            break;
        if (*s++ != '.') {
            why = "ops are separated by '.' and end with '@'";
            break;
        }
    }
    s += !why; /* the '@' */
    if (!why) {
        int t = hex(*s++);
        if (t < 0 || (unsigned)t >= p->n)
            why = "'@' is followed by the index of an op (0-based)";
        else if (gen_op_vector(&p->op[t]) < 0)
            why = "the target op raises no event";
        else
            p->target = (unsigned)t;
    }
    size_t n = why ? 0 : strlen(s);
    if (!why && (n == 0 || n > 4 || strspn(s, "sigt") != n))
        why = "pages are 1-4 letters of s i g t (stack, IDT, GDT, TSS)";
    for (size_t i = 0; !why && i < n; i++)
        if (strchr(s + i + 1, s[i]))
            why = "a page is named twice";
    if (!why && strlen(spec) > 47)
        why = "longer than the configuration block's 47 characters";
    if (why) {
        *err = xasprintf("'%s': %s", spec, why);
        return -1;
    }
    memcpy(p->pages, s, n + 1);
    return 0;
}

size_t gen_simpler(const struct gen_program *p, struct gen_program *out)
{
    size_t k = 0;
    for (unsigned i = 0; i < p->n && p->n > 1; i++) { /* drop an op other than the target */
        if (i == p->target)
            continue;
        struct gen_program q = *p;
        memmove(&q.op[i], &q.op[i + 1], (q.n - i - 1) * sizeof(q.op[0]));
        q.n--;
        q.target -= i < p->target;
        out[k++] = q;
    }
    for (unsigned i = 0; i < p->n; i++) { /* drop a modifier */
        if (p->op[i].shadow) {
            out[k] = *p;
            out[k++].op[i].shadow = 0;
        }
        if (p->op[i].nmi) {
            out[k] = *p;
            out[k++].op[i].nmi = false;
        }
    }
    if (strlen(p->pages) > 1) { /* one page instead of several */
        out[k] = *p;
        out[k++].pages[1] = 0;
    }
    if (p->pages[0] != 's') { /* the stack instead of a descriptor table */
        out[k] = *p;
        memcpy(out[k++].pages, "s", 2);
    }
    return k;
}
