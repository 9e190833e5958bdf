/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report_html_svg.c — a cell page's timeline, inline SVG (no script): for each exit
 * during delivery that hv/ reported (its `hv: IDTV` lines, the first 16 of a run), the event
 * being delivered (IDT-vectoring information, SDM 24.9.3), the exit, the policy's decision,
 * the VM-entry fields core/ writes for that information (the code hv/ runs, as `redeliver
 * explain` computes them; SDM 26.5.1), then what the guest saw. */
#include "runner/report_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "core/vcpu_events.h"
#include "core/vmx_event.h"
#include "core/vmx_exit_reason.h"

#define ROWS_DRAWN 4
#define BOX_W      236
#define BOX_H      74
#define GAP_X      34
#define GAP_Y      16
#define LINE_CHARS 30

struct idtv_exit {
    char exit[40], words[80], action[40], why[200];
    unsigned long info, err, len;
    bool ok;
};

/* "hv: IDTV exit=<R> idtv=0x<h> err=0x<h> len=<n> <words> -> <action> (<why>)" (hv/exit.c) */
static struct idtv_exit parse_idtv(const char *line)
{
    struct idtv_exit x;
    int n = 0;
    memset(&x, 0, sizeof(x));
    if (sscanf(line, "hv: IDTV exit=%39s idtv=0x%lx err=0x%lx len=%lu %n", x.exit, &x.info, &x.err,
               &x.len, &n) != 4 ||
        !n)
        return x;
    const char *w = line + n, *arrow = strstr(w, " -> ");
    if (!arrow)
        return x;
    snprintf(x.words, sizeof(x.words), "%.*s", (int)(arrow - w), w);
    const char *a = arrow + 4, *paren = strstr(a, " (");
    size_t an = paren ? (size_t)(paren - a) : strlen(a);
    snprintf(x.action, sizeof(x.action), "%.*s", (int)an, a);
    if (paren)
        snprintf(x.why, sizeof(x.why), "%s", paren + 2);
    x.ok = x.info <= 0xffffffffUL && x.err <= 0xffffffffUL && x.len <= 15;
    return x;
}

static uint32_t reason_of(const char *name)
{
    for (uint32_t r = 0; r < vmx_exit_reason_limit(); r++)
        if (vmx_exit_reason_known(r) && !strcmp(vmx_exit_reason_name(r), name))
            return r;
    return VMX_EXIT_EPT_VIOLATION;
}

/* The entry fields core/ writes for this exit under the run's policy, in words. */
static void entry_words(const struct run *r, const struct idtv_exit *x, char *l1, char *l2,
                        size_t n)
{
    const struct policy *p = policy_find(r->policy);
    struct vmx_exit_events e = {.exit_reason = reason_of(x->exit),
                                .idt_vectoring_info = (uint32_t)x->info,
                                .idt_vectoring_error = (uint32_t)x->err,
                                .exit_instr_len = (uint32_t)x->len};
    struct vcpu_events ev;
    struct vmx_entry_events out;
    struct redelivery_note note;
    if (!p) {
        snprintf(l1, n, "policy unknown to core/");
        *l2 = 0;
        return;
    }
    vcpu_events_init(&ev, p);
    vcpu_events_after_exit(&ev, &e, &note);
    bool inject = vcpu_events_before_entry(&ev, &out);
    if (vcpu_events_shutdown(&ev)) {
        snprintf(l1, n, "none: triple fault");
        *l2 = 0;
    } else if (!inject) {
        snprintf(l1, n, "intr-info 0x%08x", out.entry_intr_info);
        snprintf(l2, n, "nothing injected");
    } else {
        snprintf(l1, n, "intr-info 0x%08x", out.entry_intr_info);
        vmx_intr_info_format_field(l2, n, out.entry_intr_info, VMX_FIELD_ENTRY_INTR);
    }
}

/* A text line of a box, cut at LINE_CHARS (whole UTF-8 sequences are ASCII here: hv/ and
 * core/ print ASCII; anything else is escaped, never interpreted). */
static void svg_line(struct sbuf *sb, int x, int y, const char *s, bool bold)
{
    char buf[LINE_CHARS + 4];
    size_t n = strlen(s);
    snprintf(buf, sizeof(buf), "%.*s%s", LINE_CHARS, s, n > LINE_CHARS ? "~" : "");
    sb_addf(sb, "<text x=\"%d\" y=\"%d\"%s>", x, y, bold ? " font-weight=\"bold\"" : "");
    html_text(sb, buf);
    sb_add(sb, "</text>\n");
}

static void box(struct sbuf *sb, int col, int y, int h, const char *fill, const char *title,
                const char *l1, const char *l2, const char *tip)
{
    int x = col * (BOX_W + GAP_X);
    sb_addf(sb, "<g><title>");
    html_text(sb, tip && *tip ? tip : l1);
    sb_addf(sb,
            "</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\" fill=\"%s\" "
            "stroke=\"#555\"/>\n",
            x, y, BOX_W, h, fill);
    svg_line(sb, x + 8, y + 18, title, true);
    svg_line(sb, x + 8, y + 38, l1, false);
    if (l2 && *l2)
        svg_line(sb, x + 8, y + 56, l2, false);
    sb_add(sb, "</g>\n");
}

static void arrow(struct sbuf *sb, int x1, int y1, int x2, int y2)
{
    sb_addf(sb,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" "
            "marker-end=\"url(#arrowhead)\"/>\n",
            x1, y1, x2, y2);
}

void html_timeline(struct sbuf *sb, const struct run *r, const char *hv)
{
    struct idtv_exit xs[ROWS_DRAWN];
    size_t n = 0, total = 0;
    for (const char *p = hv; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, len);
        if (!strncmp(line, "hv: IDTV ", 9)) {
            total++;
            if (n < ROWS_DRAWN && (xs[n] = parse_idtv(line)).ok)
                n++;
        }
        free(line);
        p += len + (nl != NULL);
    }
    sb_add(sb, "<h2>Timeline</h2>\n");
    if (!n) {
        sb_add(sb, "<p>No exit during delivery was reported (no <code>hv: IDTV</code> line): "
                   "nothing to draw.</p>\n");
        return;
    }
    int h = (int)n * (BOX_H + GAP_Y) - GAP_Y, w = 5 * BOX_W + 4 * GAP_X;
    sb_addf(sb,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"monospace\" font-size=\"12\" role=\"img\" "
            "aria-label=\"timeline of the exits during delivery\">\n"
            "<defs><marker id=\"arrowhead\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" "
            "refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#333\"/></marker>"
            "</defs>\n",
            w + 2, h + 2);
    for (size_t i = 0; i < n; i++) {
        const struct idtv_exit *x = &xs[i];
        int y = (int)i * (BOX_H + GAP_Y) + 1, mid = y + BOX_H / 2;
        char raised[96], exit_l2[40], decision[80], e1[64], e2[160];
        snprintf(raised, sizeof(raised), "%s",
                 strncmp(x->words, "valid ", 6) ? x->words : x->words + 6);
        snprintf(exit_l2, sizeof(exit_l2), "idtv=0x%08lx", x->info);
        snprintf(decision, sizeof(decision), "%s: %s", r->policy, x->action);
        entry_words(r, x, e1, e2, sizeof(e1));
        char *ev_title = xasprintf("%zu. event raised", i + 1);
        box(sb, 0, y, BOX_H, "#eef4ff", ev_title, raised,
            vmx_intr_info_has_error((uint32_t)x->info) ? "with error code" : "", x->words);
        box(sb, 1, y, BOX_H, "#fff4d0", "exit during delivery", x->exit, exit_l2, NULL);
        box(sb, 2, y, BOX_H, "#f0f0f0", "policy decision", decision, x->why, x->why);
        box(sb, 3, y, BOX_H, "#eef4ff", "VM-entry fields", e1, e2, e2);
        for (int c = 0; c < 3; c++)
            arrow(sb, c * (BOX_W + GAP_X) + BOX_W, mid, (c + 1) * (BOX_W + GAP_X) - 2, mid);
        arrow(sb, 3 * (BOX_W + GAP_X) + BOX_W, mid, 4 * (BOX_W + GAP_X) - 2, h / 2 + 1);
        free(ev_title);
    }
    char saw[80], first[200];
    const struct run *ref = r->reference ? NULL : run_reference(r);
    snprintf(saw, sizeof(saw), "%s: %zu EV (ref. %zu)", verdict_name(r->j.verdict), r->trace.n_ev,
             ref ? ref->trace.n_ev : r->trace.n_ev);
    snprintf(first, sizeof(first), "%s", r->trace.n_ev ? r->trace.ev[0] : "no event recorded");
    box(sb, 4, (h - BOX_H) / 2 + 1, BOX_H, r->j.verdict == V_PASS ? "#c8ecc8" : "#f4a6a6",
        "what the guest saw", saw, first, first);
    sb_add(sb, "</svg>\n");
    if (total > n)
        sb_addf(sb, "<p>(%zu of %zu reported exits during delivery drawn; hv/ counted %ld)</p>\n",
                n, total, r->trace.vectoring_exits);
}
