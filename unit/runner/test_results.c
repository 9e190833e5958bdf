/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_results.c — the results directory (runner/results.c).
 *
 * Why: the runner empties its results directory before each run. It must only ever empty
 * a directory it made itself (marker file) or an empty one — a mistyped `--results ~`
 * must not delete anything — and two concurrent runs must not write into one directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/results.h"
#include "runner/util.h"

static void test_results_dir(void **state)
{
    (void)state;
    char base[] = "/tmp/redeliver-test-results-XXXXXX";
    assert_non_null(mkdtemp(base));
    char *dir = path_join(base, "a/b/latest"), *err = NULL;

    int fd = results_open(dir, &err); /* created, with parents */
    assert_true(fd >= 0);
    assert_true(is_dir(dir));
    char *marker = path_join(dir, RESULTS_MARKER);
    assert_true(is_file(marker));

    assert_int_equal(results_open(dir, &err), -1); /* locked while the first run holds it */
    assert_non_null(strstr(err, "in use"));
    free(err);

    char *sub = path_join(dir, "gp-stack/bochs-bare");
    assert_int_equal(mkdir_p(sub), 0);
    assert_int_equal(results_write(dir, "summary.json", "{}\n", &err), 0);
    close(fd);

    fd = results_open(dir, &err); /* ours: emptied, marker kept */
    assert_true(fd >= 0);
    assert_false(is_dir(sub));
    assert_true(is_file(marker));
    assert_true(dir_is_empty(dir) == false);
    close(fd);

    /* someone else's non-empty directory is refused and left alone */
    char *foreign = path_join(base, "foreign"), *keep = path_join(foreign, "precious.txt");
    assert_int_equal(mkdir_p(foreign), 0);
    assert_int_equal(write_file(keep, "x", 1), 0);
    assert_int_equal(results_open(foreign, &err), -1);
    assert_non_null(strstr(err, "not made by redeliver"));
    free(err);
    assert_true(is_file(keep));

    /* an empty one is fine */
    char *empty = path_join(base, "empty");
    assert_int_equal(mkdir_p(empty), 0);
    fd = results_open(empty, &err);
    assert_true(fd >= 0);
    close(fd);

    remove_contents(base, NULL);
    rmdir(base);
    free(dir);
    free(marker);
    free(sub);
    free(foreign);
    free(keep);
    free(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
