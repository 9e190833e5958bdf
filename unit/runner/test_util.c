/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_util.c — the runner's file helpers (runner/util.c).
 *
 * Why: captured files are as large as an emulator makes them, so the runner reads at most
 * a cap of each and says when it cut one short. A full disk must be reported as such
 * ("No space left on device", not "Input/output error"), a directory given for a file
 * as "Is a directory". */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
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
    char *small = path_join(dir, "small");
    umount(small); /* when test_full_disk failed before its own umount */
    free(small);
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

/* A 64 KiB tmpfs at dir/small, or skip when it cannot be mounted (not root). */
static char *small_disk(void)
{
    char *small = path_join(dir, "small");
    assert_int_equal(mkdir_p(small), 0);
    if (mount("tmpfs", small, "tmpfs", 0, "size=64k") != 0) {
        fprintf(stderr, "skip: cannot mount a 64k tmpfs at %s (%s): needs root\n", small,
                strerror(errno));
        free(small);
        skip();
    }
    return small;
}

static void test_full_disk(void **state)
{
    (void)state;
    char *small = small_disk();
    size_t n = 256 * 1024;
    char *big = xcalloc(1, n);
    memset(big, 'x', n);
    char *p = path_join(small, "summary.json"), *q = path_join(small, "boot.img");
    errno = 0;
    assert_int_equal(write_file(p, big, n), -1);
    assert_int_equal(errno, ENOSPC); /* was EIO: "Input/output error" */
    unlink(p);
    char *src = path_join(dir, "src.img");
    assert_int_equal(write_file(src, big, n), 0);
    errno = 0;
    assert_int_equal(copy_file_sparse(src, q), -1);
    assert_int_equal(errno, ENOSPC);
    umount(small);
    free(big);
    free(p);
    free(q);
    free(src);
    free(small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_file_max),
        cmocka_unit_test(test_read_file_errors),
        cmocka_unit_test(test_full_disk),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
