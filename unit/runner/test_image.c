/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_image.c — patching the configuration block (runner/image.c).
 *
 * Why: the block is the only way a run tells the guest which scenario and hv which policy
 * to run (docs/protocol.md). Patching the wrong bytes, accepting a truncated name or an
 * image without (or with two) blocks would run a different test than the table claims. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/image.h"
#include "runner/util.h"

#define IMG_SIZE 1024
#define AT       300 /* where the test images hold their block */

/* An image of 0xAA bytes with a block at AT whose fields are pre-filled with 'x'. */
static void make_image(unsigned char *img)
{
    memset(img, 0xAA, IMG_SIZE);
    memset(img + AT, 'x', CFG_BLOCK_SIZE);
    memcpy(img + AT, CFG_MAGIC, CFG_MAGIC_LEN);
}

static void assert_field(const unsigned char *img, size_t off, size_t len, const char *want)
{
    const char *f = (const char *)img + AT + off;
    assert_string_equal(f, want);
    for (size_t i = strlen(want); i < len; i++)
        assert_int_equal(f[i], 0); /* zero-filled to the end of the field */
}

static void test_patch_fields(void **state)
{
    (void)state;
    unsigned char img[IMG_SIZE], before[IMG_SIZE];
    char *err = NULL;
    make_image(img);
    memcpy(before, img, sizeof(img));
    struct cfg_values v = {.scenario = "gp-stack", .policy = "kvm", .fault = ""};
    assert_int_equal(config_patch(img, sizeof(img), "img", &v, &err), 0);
    assert_memory_equal(img + AT, CFG_MAGIC, CFG_MAGIC_LEN);
    assert_field(img, CFG_SCENARIO_OFF, CFG_SCENARIO_LEN, "gp-stack");
    assert_field(img, CFG_POLICY_OFF, CFG_POLICY_LEN, "kvm");
    assert_field(img, CFG_FAULT_OFF, CFG_FAULT_LEN, "");
    /* nothing outside the block changed */
    assert_memory_equal(img, before, AT);
    assert_memory_equal(img + AT + CFG_BLOCK_SIZE, before + AT + CFG_BLOCK_SIZE,
                        IMG_SIZE - AT - CFG_BLOCK_SIZE);
}

static void test_null_field_untouched(void **state)
{
    (void)state;
    unsigned char img[IMG_SIZE];
    char *err = NULL;
    make_image(img);
    struct cfg_values v = {.scenario = "irq-stack"}; /* the guest copy: no policy, no fault */
    assert_int_equal(config_patch(img, sizeof(img), "img", &v, &err), 0);
    assert_field(img, CFG_SCENARIO_OFF, CFG_SCENARIO_LEN, "irq-stack");
    for (size_t i = CFG_POLICY_OFF; i < CFG_BLOCK_SIZE; i++)
        assert_int_equal(img[AT + i], 'x');
}

static void test_length_limits(void **state)
{
    (void)state;
    unsigned char img[IMG_SIZE];
    char name[64], *err = NULL;
    make_image(img);
    memset(name, 's', sizeof(name));
    name[47] = 0; /* 47 + NUL = 48: fits */
    struct cfg_values v = {.scenario = name};
    assert_int_equal(config_patch(img, sizeof(img), "img", &v, &err), 0);
    assert_int_equal(img[AT + CFG_SCENARIO_OFF + 47], 0);
    assert_int_equal(img[AT + CFG_POLICY_OFF], 'x'); /* the next field is intact */

    name[47] = 's';
    name[48] = 0;
    make_image(img);
    assert_int_equal(config_patch(img, sizeof(img), "img", &v, &err), -1);
    assert_non_null(strstr(err, "scenario"));
    assert_non_null(strstr(err, "too long"));
    free(err);
    assert_int_equal(img[AT + CFG_SCENARIO_OFF], 'x'); /* no partial write */

    name[32] = 0; /* policy: 31 fit, 32 do not */
    struct cfg_values p = {.policy = name};
    assert_int_equal(config_patch(img, sizeof(img), "img", &p, &err), -1);
    free(err);
    name[31] = 0;
    assert_int_equal(config_patch(img, sizeof(img), "img", &p, &err), 0);
    name[32] = 0;
    name[31] = 's';
    struct cfg_values f = {.fault = name};
    assert_int_equal(config_patch(img, sizeof(img), "img", &f, &err), -1);
    assert_non_null(strstr(err, "fault"));
    free(err);
}

static void test_bad_images(void **state)
{
    (void)state;
    unsigned char img[IMG_SIZE];
    char *err = NULL;
    size_t off;
    struct cfg_values v = {.scenario = "a"};

    memset(img, 0, sizeof(img)); /* no magic */
    assert_int_equal(config_patch(img, sizeof(img), "build/guest.bin", &v, &err), -1);
    assert_non_null(strstr(err, "build/guest.bin: no configuration block"));
    free(err);

    make_image(img); /* two magics */
    memcpy(img + 700, CFG_MAGIC, CFG_MAGIC_LEN);
    assert_int_equal(config_find(img, sizeof(img), "img", &off, &err), -1);
    assert_non_null(strstr(err, "twice"));
    free(err);

    make_image(img); /* "REDELIVER-CFG-2" without its NUL is not the magic */
    img[AT + 15] = 'x';
    assert_int_equal(config_find(img, sizeof(img), "img", &off, &err), -1);
    free(err);

    make_image(img); /* the block runs past the end of the file */
    assert_int_equal(config_find(img, AT + CFG_BLOCK_SIZE - 1, "img", &off, &err), -1);
    assert_non_null(strstr(err, "cut off"));
    free(err);
    assert_int_equal(config_find(img, AT + CFG_BLOCK_SIZE, "img", &off, &err), 0);
    assert_int_equal(off, AT);
}

static void test_patch_copy(void **state)
{
    (void)state;
    char dir[] = "/tmp/redeliver-test-image-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *src = path_join(dir, "in.bin"), *dst = path_join(dir, "out.bin");
    unsigned char img[IMG_SIZE];
    make_image(img);
    assert_int_equal(write_file(src, img, sizeof(img)), 0);
    char *err = NULL;
    struct cfg_values v = {.policy = "drop-all", .fault = "entry"};
    assert_int_equal(image_patch_copy(src, dst, &v, &err), 0);
    size_t len;
    unsigned char *out = (unsigned char *)read_file(dst, &len);
    assert_int_equal(len, IMG_SIZE);
    assert_field(out, CFG_POLICY_OFF, CFG_POLICY_LEN, "drop-all");
    assert_field(out, CFG_FAULT_OFF, CFG_FAULT_LEN, "entry");
    unsigned char *in = (unsigned char *)read_file(src, &len);
    assert_memory_equal(in, img, IMG_SIZE); /* the build's image is never modified */
    free(in);
    free(out);

    assert_int_equal(image_patch_copy("/nonexistent.bin", dst, &v, &err), -1);
    assert_non_null(strstr(err, "/nonexistent.bin"));
    free(err);
    unlink(src);
    unlink(dst);
    rmdir(dir);
    free(src);
    free(dst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patch_fields),  cmocka_unit_test(test_null_field_untouched),
        cmocka_unit_test(test_length_limits), cmocka_unit_test(test_bad_images),
        cmocka_unit_test(test_patch_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
