/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_results.c — the results directory (runner/results.c).
 *
 * Why: the runner empties its results directory before each run. It must only ever empty
 * a directory it made itself (marker file) or an empty one — a mistyped `--results ~`
 * must not delete anything — and two concurrent runs must not write into one directory.
 * The marker is never followed: a marker that is a symbolic link to someone's file once
 * had that file truncated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* results_open(dir) must fail with a message containing `want`. */
static void refused(const char *dir, const char *want)
{
    char *err = NULL;
    assert_int_equal(results_open(dir, &err), -1);
    assert_non_null(err);
    if (!strstr(err, want))
        fail_msg("%s: got '%s', want '%s'", dir, err, want);
    free(err);
}

static void assert_file_is(const char *path, const char *text)
{
    size_t len;
    char *got = read_file(path, &len);
    assert_non_null(got);
    assert_int_equal(len, strlen(text));
    assert_memory_equal(got, text, len);
    free(got);
}

static void test_marker_never_followed(void **state)
{
    (void)state;
    char base[] = "/tmp/redeliver-test-results-XXXXXX";
    assert_non_null(mkdtemp(base));
    char *user = path_join(base, "user.txt"), *dir = path_join(base, "res");
    char *marker = path_join(dir, RESULTS_MARKER), *other = path_join(dir, "other.txt");
    assert_int_equal(write_file(user, "precious\n", 9), 0);
    assert_int_equal(mkdir_p(dir), 0);
    assert_int_equal(write_file(other, "x", 1), 0);

    /* the marker a symbolic link to someone's file: never truncated, nothing emptied */
    assert_int_equal(symlink(user, marker), 0);
    refused(dir, "is a symbolic link");
    assert_file_is(user, "precious\n");
    assert_true(is_file(other));
    /* ... also when it dangles: no file is created at its target */
    char *target = path_join(base, "created-through-link");
    assert_int_equal(unlink(marker), 0);
    assert_int_equal(symlink(target, marker), 0);
    refused(dir, "is a symbolic link");
    assert_false(is_file(target));

    /* a hard link to someone's file is no marker of ours either */
    assert_int_equal(unlink(marker), 0);
    assert_int_equal(link(user, marker), 0);
    refused(dir, "has other links");
    assert_file_is(user, "precious\n");

    /* nor a directory */
    assert_int_equal(unlink(marker), 0);
    assert_int_equal(mkdir(marker, 0755), 0);
    refused(dir, "not a regular file");
    assert_true(is_file(other));
    assert_int_equal(rmdir(marker), 0);

    /* a results directory that is itself a symbolic link (even to one redeliver made) is
     * never emptied */
    assert_int_equal(write_file(marker, "", 0), 0);
    char *link_dir = path_join(base, "link"), *link_slash = xasprintf("%s/", link_dir);
    assert_int_equal(symlink(dir, link_dir), 0);
    refused(link_dir, "is a symbolic link");
    refused(link_slash, "is a symbolic link");
    assert_true(is_file(other));

    /* a file where a directory is expected */
    refused(user, "not a directory");
    assert_file_is(user, "precious\n");

    remove_contents(base, NULL);
    rmdir(base);
    free(user);
    free(dir);
    free(marker);
    free(other);
    free(target);
    free(link_dir);
    free(link_slash);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_dir),
        cmocka_unit_test(test_marker_never_followed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
