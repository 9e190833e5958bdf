/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_foreign_bundle.c — the bundle run-image hands to hv/
 * (runner/foreign_bundle.c, lib/foreign_bundle.h).
 *
 * Why: hv/ finds the kernel, its command line and modules only through the bundle's offsets;
 * a wrong offset, a command line without argv[0] or a bundle over the three optramimage
 * slots would load something else than the user named, or be cut by Bochs without a word. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/foreign_bundle.h"
#include "runner/foreign_bundle.h"
#include "runner/util.h"

static char dir[] = "/tmp/redeliver-foreign-XXXXXX";

static char *make_file(const char *name, const char *text, size_t len)
{
    char *p = path_join(dir, name);
    assert_int_equal(write_file(p, text, len), 0);
    return p;
}

static void test_layout(void **state)
{
    (void)state;
    char *k = make_file("kern.elf", "KERNEL-BYTES", 12);
    char *m1 = make_file("one.txt", "module one", 10);
    char *m2 = make_file("two.txt", "2", 1);
    const char *mods[] = {m1, m2};
    struct foreign_input in = {
        .kernel = k, .cmdline = "a b", .modules = mods, .n_modules = 2, .ram_mib = 256};
    unsigned char *b;
    size_t len;
    char *err = NULL;
    assert_int_equal(foreign_bundle_build(&in, true, &b, &len, &err), 0);
    struct foreign_bundle h;
    memcpy(&h, b, sizeof(h));
    assert_memory_equal(h.magic, FOREIGN_MAGIC, sizeof(FOREIGN_MAGIC));
    assert_int_equal(h.total_size, len);
    assert_int_equal(h.flags, FOREIGN_FLAG_BARE);
    assert_int_equal(h.ram_mib, 256);
    assert_int_equal(h.n_modules, 2);
    assert_string_equal((char *)b + h.cmdline, "kern.elf a b"); /* argv[0] = the file's name */
    assert_int_equal(h.kernel.size, 12);
    assert_int_equal(h.kernel.offset % 16, 0);
    assert_memory_equal(b + h.kernel.offset, "KERNEL-BYTES", 12);
    assert_string_equal((char *)b + h.kernel.string, "kern.elf");
    assert_memory_equal(b + h.modules[0].offset, "module one", 10);
    assert_string_equal((char *)b + h.modules[0].string, "one.txt");
    assert_int_equal(h.modules[1].size, 1);
    assert_string_equal((char *)b + h.modules[1].string, "two.txt");
    free(b);
    in.cmdline = NULL;
    assert_int_equal(foreign_bundle_build(&in, false, &b, &len, &err), 0);
    memcpy(&h, b, sizeof(h));
    assert_int_equal(h.flags, 0);
    assert_string_equal((char *)b + h.cmdline, "kern.elf");
    free(b);
    free(k);
    free(m1);
    free(m2);
}

static void test_refusals(void **state)
{
    (void)state;
    size_t big_len = FOREIGN_BUNDLE_MAX - 100;
    char *big = calloc(1, big_len);
    char *k = make_file("big.elf", big, big_len);
    free(big);
    struct foreign_input in = {.kernel = k, .ram_mib = 128};
    unsigned char *b = NULL;
    size_t len;
    char *err = NULL;
    assert_int_equal(foreign_bundle_build(&in, false, &b, &len, &err), -1);
    assert_non_null(strstr(err, "more than the 384 KiB"));
    free(err);
    err = NULL;
    in.kernel = "/nonexistent/kernel";
    assert_int_equal(foreign_bundle_build(&in, false, &b, &len, &err), -1);
    assert_non_null(strstr(err, "/nonexistent/kernel: "));
    free(err);
    err = NULL;
    const char *mods[FOREIGN_MAX_MODULES + 1] = {0};
    in = (struct foreign_input){.kernel = k, .modules = mods, .n_modules = FOREIGN_MAX_MODULES + 1};
    assert_int_equal(foreign_bundle_build(&in, false, &b, &len, &err), -1);
    assert_non_null(strstr(err, "at most 8"));
    free(err);
    free(k);
}

/* Three slots of 128 KiB at most, written end to end; the bochsrc places each 128 KiB apart
 * from FOREIGN_BUNDLE_HPA and gives Bochs 16 MiB + RAM + 16 MiB. */
static void test_slots_and_bochsrc(void **state)
{
    (void)state;
    size_t len = FOREIGN_SLOT_SIZE + 10;
    unsigned char *b = calloc(1, len);
    b[FOREIGN_SLOT_SIZE] = 0x5a;
    char *err = NULL;
    assert_int_equal(foreign_bundle_write_slots(dir, b, len, &err), 2);
    char *p = path_join(dir, "foreign2.bin");
    size_t n;
    char *second = read_file(p, &n);
    assert_int_equal(n, 10);
    assert_int_equal((unsigned char)second[0], 0x5a);
    free(second);
    free(p);
    free(b);
    char *rc = foreign_bochsrc_text(128, 2);
    assert_non_null(strstr(rc, "megs: 160\n"));
    assert_non_null(strstr(rc, "optramimage1: file=hv.bin, address=0x100000\n"));
    assert_non_null(strstr(rc, "optramimage2: file=foreign1.bin, address=0xc00000\n"));
    assert_non_null(strstr(rc, "optramimage3: file=foreign2.bin, address=0xc20000\n"));
    assert_null(strstr(rc, "optramimage4"));
    free(rc);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_slots_and_bochsrc),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    remove_contents(dir, NULL);
    rmdir(dir);
    return rc;
}
