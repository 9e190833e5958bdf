/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_util.c — the runner's file helpers (runner/util.c).
 *
 * Why: captured files are as large as an emulator makes them, so the runner reads at most
 * a cap of each and says when it cut one short. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/util.h"

static char dir[] = "/tmp/redeliver-test-util-XXXXXX";

static int make_dir(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    remove_contents(dir, NULL);
    return rmdir(dir);
}

static void test_read_file_max(void **state)
{
    (void)state;
    char *p = path_join(dir, "capture.txt");
    assert_int_equal(write_file(p, "0123456789", 10), 0);
    size_t len = 99;
    bool truncated = true;
    char *text = read_file_max(p, 4, &len, &truncated);
    assert_string_equal(text, "0123");
    assert_int_equal(len, 4);
    assert_true(truncated);
    free(text);

    text = read_file_max(p, 10, &len, &truncated); /* exactly the cap: all of it */
    assert_string_equal(text, "0123456789");
    assert_false(truncated);
    free(text);

    text = read_file_max(p, 0, &len, &truncated);
    assert_string_equal(text, "");
    assert_int_equal(len, 0);
    assert_true(truncated);
    free(text);

    assert_null(read_file_max("/nonexistent/capture.txt", 4, &len, &truncated));
    free(p);
}

static void test_read_file_errors(void **state)
{
    (void)state;
    /* a directory where a file is expected (--catalogue /tmp): its errno, not EIO */
    errno = 0;
    assert_null(read_file(dir, NULL));
    assert_int_equal(errno, EISDIR);
    errno = 0;
    assert_null(read_file("/nonexistent/file", NULL));
    assert_int_equal(errno, ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_file_max),
        cmocka_unit_test(test_read_file_errors),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
