/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/trace.c — parse serial.txt and bochs.log (docs/protocol.md). */
#define _GNU_SOURCE
#include "runner/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/util.h"

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void push(char ***v, size_t *n, const char *s)
{
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
}

/* Digits only, no sign, no overflow past a sane bound. */
static bool parse_count(const char *s, const char **end, long *out)
{
    long v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9') {
        if (v > 1000000000L)
            return false;
        v = v * 10 + (*p++ - '0');
    }
    *end = p;
    *out = v;
    return true;
}

/* "hv: vectoring-exits=<n> exits=<m> policy=<p>" (after "hv: ") */
static void hv_summary(struct trace *t, const char *s)
{
    long v, m;
    const char *p = s + strlen("vectoring-exits=");
    t->n_hv_summary++;
    if (!parse_count(p, &p, &v) || !starts(p, " exits=") ||
        !parse_count(p + strlen(" exits="), &p, &m) || !starts(p, " policy=") ||
        !p[strlen(" policy=")] || strchr(p + strlen(" policy="), ' ')) {
        t->hv_summary_malformed = true;
        return;
    }
    t->vectoring_exits = v;
    t->exits = m;
    free(t->hv_policy);
    t->hv_policy = xstrdup(p + strlen(" policy="));
}

/* A vector field " <key>=0x<hex>" of an hv: line; -1 when absent or malformed. */
static int vector_field(const char *s, const char *key)
{
    const char *p = strstr(s, key);
    if (!p || strncmp(p + strlen(key), "0x", 2) != 0)
        return -1;
    char *end;
    long v = strtol(p + strlen(key) + 2, &end, 16);
    return end != p + strlen(key) + 2 && (*end == ' ' || !*end) && v >= 0 && v < 256 ? (int)v : -1;
}

/* "TRIPLE-FAULT rip=<r> by=cpu" or "... by=double-fault-table raised=0x<v> delivering=0x<v>" */
static void triple_fault_line(struct trace *t, const char *s)
{
    if (t->triple_fault)
        return;
    t->triple_fault = true;
    t->shutdown_by_cpu = strstr(s, " by=cpu") != NULL;
    t->shutdown_raised = vector_field(s, " raised=");
    t->shutdown_delivering = vector_field(s, " delivering=");
}

static void hv_line(struct trace *t, const char *line)
{
    const char *s = line + strlen("hv: ");
    if (starts(s, "IDTV "))
        push(&t->idtv, &t->n_idtv, line);
    else if (starts(s, "IRET-NMI-UNBLOCK "))
        t->n_iret_unblock++;
    else if (starts(s, "vectoring-exits="))
        hv_summary(t, s);
    else if ((starts(s, "ERROR ") || strcmp(s, "ERROR") == 0) && !t->hv_error)
        t->hv_error = xstrdup(line);
    else if ((starts(s, "VMENTRY-FAIL ") || strcmp(s, "VMENTRY-FAIL") == 0) && !t->vmentry_fail)
        t->vmentry_fail = xstrdup(line);
    else if (strcmp(s, "TRIPLE-FAULT") == 0 || starts(s, "TRIPLE-FAULT "))
        triple_fault_line(t, s);
    else if (starts(s, "LIVELOCK ") && !t->livelock)
        t->livelock = xstrdup(line);
    else if (starts(s, "HANG ") && !t->hang)
        t->hang = xstrdup(line);
    else if (starts(s, "ROW ")) { /* not "ROW-END ": the row hv/ was told started */
        if (t->n_hv_rows++ == 0)
            t->hv_row = xstrdup(s + strlen("ROW "));
    } else if (starts(s, "UNSUPPORTED ") && !t->unsupported)
        t->unsupported = xstrdup(line);
    else
        cost_hv_line(&t->cost, s);
}

static enum guest_result result_word(const char *s)
{
    static const struct {
        const char *word;
        enum guest_result r;
    } words[] = {{"SUCCESS", RESULT_SUCCESS},
                 {"SKIP", RESULT_SKIP},
                 {"ERROR", RESULT_ERROR},
                 {"FAILURE", RESULT_FAILURE}};
    for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
        size_t n = strlen(words[i].word);
        if (strncmp(s, words[i].word, n) == 0 && (s[n] == 0 || s[n] == ' '))
            return words[i].r;
    }
    return RESULT_MALFORMED;
}

/* " vector=0x<1-2 hex digits>" at a word end of a ROW line: the vector, else -1 (absent or
 * malformed: a guest slip must not read as vector 0). */
static int row_vector_field(const char *row)
{
    const char *v = strstr(row, " vector=0x");
    if (!v)
        return -1;
    v += strlen(" vector=0x");
    int n = 0, value = 0;
    for (; n < 3 && ((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'f')); v++, n++)
        value = value * 16 + (*v <= '9' ? *v - '0' : *v - 'a' + 10);
    return n >= 1 && n <= 2 && (*v == 0 || *v == ' ') ? value : -1;
}

static void push_ev(struct trace *t, const char *line)
{
    push(&t->ev, &t->n_ev, line);
    t->ev_format = ev_format_join(t->ev_format, ev_line_format(line));
}

/* A guest line of the protocol (not hv:, not unknown); false for unknown lines. */
static bool guest_line(struct trace *t, const char *line)
{
    if (starts(line, "ENV ")) {
        if (!t->env)
            t->env = xstrdup(line + 4);
    } else if (starts(line, "ROW ")) {
        if (t->n_row_lines++ == 0) {
            t->row = xstrdup(line + 4);
            t->row_vector = row_vector_field(t->row);
            t->row_iret = strstr(t->row, " proof=iret-nmi-unblock") != NULL;
            t->row_task_switch = strstr(t->row, " proof=task-switch") != NULL;
            const char *pages = strstr(t->row, " pages=");
            t->row_pages = pages ? atoi(pages + strlen(" pages=")) : 0;
        }
    } else if (starts(line, "EV ") && line[3]) {
        push_ev(t, line);
    } else if (starts(line, "PASS:")) {
        t->n_pass++;
    } else if (starts(line, "FAIL:")) {
        if (!t->n_fail++)
            t->first_fail = xstrdup(line);
    } else if (starts(line, "SKIP:")) {
        if (!t->n_skip++)
            t->first_skip = xstrdup(line);
    } else if (starts(line, "PCTESTDEV writes=")) {
        char *end;
        long n = strtol(line + strlen("PCTESTDEV writes="), &end, 10);
        if (t->testdev_writes < 0 && !*end && n >= 0)
            t->testdev_writes = n;
    } else if (starts(line, "SUMMARY:")) {
        if (!t->summary)
            t->summary = xstrdup(line);
    } else {
        return false;
    }
    return true;
}

/* A line of the guest's channel (COM1). A guest line that imitates hv/ (`hv: ...`) is just
 * guest text: hypervisor facts come from hv/'s own channel only (docs/protocol.md). */
static void guest_channel_line(struct trace *t, const char *line)
{
    if (starts(line, "hv: ")) {
        t->n_imitated_hv++;
        return;
    }
    if (starts(line, "Test result:")) {
        const char *s = line + strlen("Test result:");
        while (*s == ' ')
            s++;
        if (t->n_result_lines++ == 0) {
            t->result = result_word(s);
            t->result_line = xstrdup(line);
        }
        return;
    }
    bool known = guest_line(t, line);
    if (known && t->n_result_lines > 0 && !t->after_result)
        t->after_result = xstrdup(line);
}

/* Calls `fn` for each non-empty line of `text`, cleaned of control bytes (a half-written
 * UART byte, a BIOS's escape sequence) so that one bad byte cannot hide a whole line, and
 * cut to TRACE_LINE_MAX bytes with the cut stated. */
static void each_line(struct trace *t, const char *text, size_t len,
                      void (*fn)(struct trace *, const char *))
{
    size_t pos = 0;
    char *line = xmalloc(TRACE_LINE_MAX + 64);
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        size_t n = 0, dropped = 0;
        for (size_t i = pos; i < end; i++) {
            unsigned char c = (unsigned char)text[i];
            if (c < 0x20 && c != '\t')
                continue;
            if (n < TRACE_LINE_MAX)
                line[n++] = (char)c;
            else
                dropped++;
        }
        while (!dropped && n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        line[n] = 0;
        if (dropped) {
            snprintf(line + n, 64, " [%zu more bytes cut]", dropped);
            if (!t->long_line)
                t->long_line = xstrdup(line);
        }
        t->n_lines += n > 0;
        if (n > 0)
            fn(t, line);
        pos = end + 1;
    }
    free(line);
}

static void hv_channel_line(struct trace *t, const char *line)
{
    if (starts(line, "hv: "))
        hv_line(t, line);
}

void trace_parse(struct trace *t, const char *guest, size_t guest_len, const char *hv,
                 size_t hv_len)
{
    memset(t, 0, sizeof(*t));
    t->vectoring_exits = -1;
    t->row_vector = -1;
    t->exits = t->testdev_writes = -1;
    t->shutdown_raised = t->shutdown_delivering = -1;
    each_line(t, guest, guest_len, guest_channel_line);
    size_t guest_lines = t->n_lines;
    each_line(t, hv, hv_len, hv_channel_line);
    t->n_lines = guest_lines;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void trace_free(struct trace *t)
{
    free(t->env);
    free(t->row);
    free_list(t->ev, t->n_ev);
    free(t->first_fail);
    free(t->summary);
    free(t->first_skip);
    free(t->result_line);
    free(t->after_result);
    free_list(t->idtv, t->n_idtv);
    free(t->hv_policy);
    free(t->hv_error);
    free(t->vmentry_fail);
    free(t->livelock);
    free(t->hang);
    free(t->unsupported);
    free(t->hv_row);
    free(t->long_line);
    cost_free(&t->cost);
    memset(t, 0, sizeof(*t));
    t->vectoring_exits = -1;
    t->row_vector = -1;
    t->exits = t->testdev_writes = -1;
    t->shutdown_raised = t->shutdown_delivering = -1;
}

const char *guest_result_name(enum guest_result r)
{
    switch (r) {
    case RESULT_NONE:
        return "none";
    case RESULT_SUCCESS:
        return "SUCCESS";
    case RESULT_SKIP:
        return "SKIP";
    case RESULT_ERROR:
        return "ERROR";
    case RESULT_FAILURE:
        return "FAILURE";
    case RESULT_MALFORMED:
        return "malformed";
    }
    return "?";
}

/* Bochs (reset_on_triple_fault=0): ">>PANIC<< exception(): 3rd (14) exception with no
 * resolution"; QEMU (-d cpu_reset): "Triple fault". */
static const char *const shutdown_marks[] = {"exception with no resolution", "Triple fault"};

bool log_has_shutdown(const char *text, size_t len)
{
    for (size_t i = 0; text && i < ARRAY_SIZE(shutdown_marks); i++)
        if (memmem(text, len, shutdown_marks[i], strlen(shutdown_marks[i])))
            return true;
    return false;
}

bool log_is_shutdown(const char *line)
{
    return log_has_shutdown(line, strlen(line));
}

int log_shutdown_vector(const char *line)
{
    const char *p = line ? strstr(line, "3rd (") : NULL;
    if (!p || !log_is_shutdown(line))
        return -1;
    char *end;
    long v = strtol(p + 5, &end, 10);
    return end != p + 5 && *end == ')' && v >= 0 && v < 32 ? (int)v : -1;
}

char *log_first_problem(const char *text, size_t len)
{
    static const char *const marks[] = {"VMENTER FAIL", "VMFAIL", "PANIC", "Triple fault"};
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        /* Bochs logs the runner's own timeout kill as a panic: not a finding. */
        static const char ours[] = "Received SIGHUP";
        bool skip = memmem(text + pos, end - pos, ours, strlen(ours)) != NULL;
        for (size_t i = 0; i < ARRAY_SIZE(marks) && !skip; i++) {
            if (memmem(text + pos, end - pos, marks[i], strlen(marks[i]))) {
                size_t n = end - pos;
                while (n > 0 && (text[pos + n - 1] == '\r' || text[pos + n - 1] == ' '))
                    n--;
                if (n > 240)
                    return xasprintf("%.*s...", 240, text + pos);
                return xstrndup(text + pos, n);
            }
        }
        pos = end + 1;
    }
    return NULL;
}
