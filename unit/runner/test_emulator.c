/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_emulator.c — emulator configuration (runner/emulator.c).
 *
 * Why: the boot configuration of docs/emulators.md is measured, not guessed: a missing `sound:
 * dummy`, a wrong `optramimage` address or the hv/guest images swapped silently turn every run into
 * a crash. The command lines and the "emulator missing" messages are what the user sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/emulator.h"
#include "runner/util.h"

static void test_bochsrc(void **state)
{
    (void)state;
    static const char *const common[] = {
        "megs: 64\n",
        "cpu: model=corei7_icelake_u, ips=4000000, reset_on_triple_fault=0\n",
        "clock: sync=none, time0=1\n",
        "romimage: file=/usr/share/bochs/BIOS-bochs-latest\n",
        "vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest\n",
        "display_library: term\n",
        "floppya: 1_44=boot.img, status=inserted, write_protected=1\n",
        "boot: floppy\n",
        "port_e9_hack: enabled=1\n",
        "com1: enabled=1, mode=file, dev=serial.txt\n",
        "speaker: enabled=0\n",
        "sound: driver=dummy\n",
        "mouse: enabled=0\n",
        "log: bochs.log\n",
        "panic: action=fatal\n",
        "error: action=report\n",
        "info: action=report\n",
    };
    char *bare = bochsrc_text(CPU_BOCHS, false), *virt = bochsrc_text(CPU_BOCHS, true);
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
        assert_non_null(strstr(bare, common[i]));
        assert_non_null(strstr(virt, common[i]));
    }
    assert_non_null(strstr(bare, "\noptramimage1: file=guest.bin, address=0x100000\n"));
    assert_null(strstr(bare, "optramimage2"));
    assert_null(strstr(bare, "hv.bin"));
    assert_non_null(strstr(virt, "\noptramimage1: file=hv.bin, address=0x100000\n"));
    assert_non_null(strstr(virt, "\noptramimage2: file=guest.bin, address=0x1100000\n"));
    assert_null(strstr(virt, "$")); /* no environment expansion: an undefined one PANICs */
    assert_null(strstr(virt, "rfb"));
    free(bare);
    free(virt);
    assert_string_equal(BOCHS_RC_TEXT, "c\nquit\n");
}

static void test_command_lines(void **state)
{
    (void)state;
    char **b = bochs_argv(CPU_BOCHS, "/usr/bin/bochs-bin");
    char *line = argv_shell(b);
    assert_string_equal(line, "/usr/bin/bochs-bin -q -f bochsrc -rc cont");
    free(line);
    argv_free(b);

    char **q = qemu_argv(CPU_QEMU, "/usr/bin/qemu-system-x86_64");
    line = argv_shell(q);
    assert_string_equal(line, "/usr/bin/qemu-system-x86_64 -M pc -m 64 -nodefaults -display none "
                              "-no-reboot -device pc-testdev -kernel guest.bin -debugcon "
                              "file:e9.txt -serial file:serial.txt -device "
                              "isa-debug-exit,iobase=0xf4,iosize=0x04 -d cpu_reset -D qemu.log "
                              "-cpu max,vendor=GenuineIntel -icount shift=0,sleep=off");
    free(line);
    argv_free(q);

    q = qemu_argv(CPU_QEMU_KVM, "/usr/bin/qemu-system-x86_64");
    line = argv_shell(q);
    assert_non_null(strstr(line, " -device pc-testdev "));
    assert_non_null(strstr(line, " -accel kvm -cpu host,-arch-capabilities -global "
                                 "kvm-apic.vapic=false"));
    assert_null(strstr(line, "-icount")); /* TCG only */
    free(line);
    argv_free(q);

    char *args[] = {"/my dir/x", "it's", "", NULL};
    line = argv_shell(args);
    assert_string_equal(line, "'/my dir/x' 'it'\\''s' ''");
    free(line);
}

static void test_cpu_names(void **state)
{
    (void)state;
    enum cpu_model c;
    assert_true(cpu_parse("bochs", &c));
    assert_int_equal(c, CPU_BOCHS);
    assert_true(cpu_parse("qemu", &c));
    assert_int_equal(c, CPU_QEMU);
    assert_false(cpu_parse("kvm", &c));
    assert_true(cpu_has_vmx(CPU_BOCHS));
    assert_false(cpu_has_vmx(CPU_QEMU));
    assert_true(cpu_parse("qemu-kvm", &c));
    assert_int_equal(c, CPU_QEMU_KVM);
    assert_false(cpu_has_vmx(CPU_QEMU_KVM));
    assert_true(cpu_is_qemu(CPU_QEMU_KVM) && cpu_is_qemu(CPU_QEMU) && !cpu_is_qemu(CPU_BOCHS));
}

static void test_resolve(void **state)
{
    (void)state;
    char *path = NULL, *err = NULL;
    assert_int_equal(emulator_resolve("/nonexistent", "bochs-bin", BOCHS_INSTALL, &path, &err), -1);
    assert_string_equal(err, "/nonexistent: not found or not executable (install: apt-get "
                             "install bochs bochs-term bochsbios vgabios)");
    free(err);
    assert_int_equal(emulator_resolve("/etc/passwd", "x", "y", &path, &err), -1); /* not +x */
    free(err);
    assert_int_equal(
        emulator_resolve(NULL, "no-such-emulator-here", "apt-get install it", &path, &err), -1);
    assert_string_equal(err, "no-such-emulator-here not found in PATH (install: apt-get install "
                             "it)");
    free(err);
    assert_int_equal(emulator_resolve(NULL, "sh", "", &path, &err), 0);
    assert_true(path[0] == '/');
    free(path);
    assert_int_equal(emulator_resolve("sh", "bochs-bin", "", &path, &err), 0); /* a bare name */
    assert_true(path[0] == '/');
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bochsrc),
        cmocka_unit_test(test_command_lines),
        cmocka_unit_test(test_cpu_names),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
