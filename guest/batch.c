/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/batch.c — the batch loop (guest/batch.h, docs/protocol.md "Batches"). */
#include "guest/batch.h"
#include "guest/guest.h"
#include "lib/config.h"
#include "lib/console.h"
#include "lib/platform.h"
#include "lib/string.h"

int row_setjmp(uint64_t buf[8]) __attribute__((returns_twice));
__attribute__((noreturn)) void row_longjmp(const uint64_t buf[8]);

/* Patched by the runner (runner/image.c); restored with the rest of .data before each row,
 * unchanged. */
__attribute__((section(".config"), used)) static struct rdlv_rows rows_block = {
    .magic = RDLV_ROWS_MAGIC,
};

/* Where a row's end returns to: in .noreset, so that the reset before a row cannot undo it. */
static uint64_t row_jmp[8] __attribute__((section(".noreset")));

unsigned guest_handler_depth;
static bool row_running, more_rows; /* reset to false with .bss before each row */

/* The next line of the list at *p into spec (ROW_SPEC_MAX characters at most); false at the
 * end of the list. Blank lines are skipped; a longer line is cut (the row then names no
 * scenario and ends as ERROR). */
static bool next_spec(const char **p, char spec[ROW_SPEC_MAX + 1])
{
    while (**p == '\n')
        (*p)++;
    if (!**p)
        return false;
    size_t n = 0;
    for (; **p && **p != '\n'; (*p)++)
        if (n < ROW_SPEC_MAX)
            spec[n++] = **p;
    spec[n] = 0;
    return true;
}

void guest_batch_run(void (*run)(const char *spec))
{
    if (!guest_snapshot_take())
        guest_finish("ERROR", "the guest's data does not fit the reset snapshot (guest/reset.c)");
    rows_block.list[sizeof(rows_block.list) - 1] = 0;
    const char *single = config_get()->scenario;
    const char *volatile p = rows_block.list[0] ? rows_block.list : single;
    static char spec[ROW_SPEC_MAX + 1] __attribute__((section(".noreset")));
    const char *cur = p;
    while (next_spec(&cur, spec)) {
        p = cur;
        guest_reset();
        const char *ahead = cur;
        char unused[ROW_SPEC_MAX + 1];
        more_rows = next_spec(&ahead, unused);
        /* hv/ resets its per-row state and prints `hv: ROW <spec>` on its own channel */
        if (hv_present()) /* bare there is nobody to tell (and pc-testdev has no such call) */
            hypercall(HC_ROW_START, (uint64_t)spec, strlen(spec));
        row_running = true;
        if (row_setjmp(row_jmp) == 0)
            run(spec); /* ends in guest_finish() */
        cur = p;
    }
    platform_exit();
}

void guest_row_end(void)
{
    /* hv/ prints the row's exit counts and `hv: ROW-END`, and undoes its perturbations */
    if (hv_present())
        hypercall(HC_ROW_END, 0, 0);
    if (row_running && more_rows && guest_handler_depth == 0)
        row_longjmp(row_jmp);
    platform_exit();
}
