# SPDX-License-Identifier: BSD-2-Clause
# scripts/e2e-foreign.sh — sourced by scripts/e2e.sh (uses its rd, ok, fail, $OUT, $BUILD):
# `redeliver run-image` on the foreign Multiboot kernels of tests/foreign/ (built by make),
# bare and under hv/ on Bochs 2.7 (docs/foreign-guests.md).
#   - ELF32 (flags 0) with a command line and two modules, ELF64, a.out kludge: exit 0, and
#     the kernel printed its command line (argv[0] = its name), each module's contents,
#     page-aligned, and a zeroed .bss, bare and under kvm alike
#   - the pc-testdev kernel under every policy: port 0xE4 on its stack page, INT3 and UD2:
#     two EPT-violation exits during delivery (#BP, #UD), counted by hv/, output as bare
#   - CR0/CR4 (PAE paging and IA-32e mode switched by emulated CR0 writes), XSETBV, CPUID
#     OSXSAVE, RDTSCP, fw_cfg reads: as bare once --filter drops the
#     hypervisor bit, exit 1 with the differing line without the filter
#   - task switches: JMP to a TSS and back, emulated by hv/ (SDM 7.3) as bare performs them;
#     a third with guest paging on ends the run with hv/'s clear refusal
#   - RAM: a kernel at 160 MiB is refused with 128 MiB and runs with --ram 256
#   - bad images: no header, bad checksum, over hv/'s image area, over 384 KiB; bad usage

FK=$BUILD/foreign
FO=$OUT/foreign

# ri NAME ARGS...: run-image with its runs under $FO/NAME; output in $OUT/foreign-NAME.log
ri() {
    local name=$1
    shift
    rd "foreign-$name" run-image --out "$FO/$name" --timeout 60 "$@"
}

# ri_expect NAME STATUS DESCRIPTION REGEX...: the last ri exited STATUS and its output (or
# a file given as @PATH:REGEX) has each REGEX.
ri_expect() {
    local status=$1 what=$2 re file
    shift 2
    if [ "$rc" -ne "$status" ]; then
        fail "$what" "exit status $rc, want $status" "$log"
        return
    fi
    for re in "$@"; do
        file=$log
        if [ "${re#@}" != "$re" ]; then
            file=${re%%:*}
            file=${file#@}
            re=${re#*:}
        fi
        if ! grep -Eq -- "$re" "$file" 2>/dev/null; then
            fail "$what" "no line matching '$re' in $file" "$log"
            return
        fi
    done
    ok "$what"
}

if [ ! -f "$FK/foreign-elf32.elf" ]; then
    fail "run-image" "$FK/foreign-elf32.elf missing: make all builds tests/foreign/"
else
    ri elf32 "$FK/foreign-elf32.elf" --cmdline "hello world" --module "$FK/module-a.txt" \
        --module "$FK/module-b.txt" --policy kvm
    for env in bare kvm; do
        ri_expect 0 "run-image ELF32 (flags 0), command line, two modules: $env" \
            "^kvm +exit code 0 \(port 0xF4\)" "console: same as bare" \
            "@$FO/elf32/$env/serial.txt:^foreign: cmdline 'foreign-elf32.elf hello world'$" \
            "@$FO/elf32/$env/serial.txt:^foreign: module 'module-a.txt' 44 bytes, page-aligned yes: first module: redeliver foreign kernel test\|$" \
            "@$FO/elf32/$env/serial.txt:^foreign: module 'module-b.txt' 29 bytes, page-aligned yes: second module\|with two lines\|$" \
            "@$FO/elf32/$env/serial.txt:^foreign: \.bss zero$" \
            "@$FO/elf32/$env/serial.txt:^foreign: exit code 0$"
    done
    ri elf64 "$FK/foreign-elf64.elf" --cmdline "x=1" --policy kvm
    ri_expect 0 "run-image ELF64 program headers at 16 MiB" "console: same as bare" \
        "@$FO/elf64/kvm/serial.txt:^foreign: cmdline 'foreign-elf64.elf x=1'$" \
        "@$FO/elf64/kvm/hv.txt:entry 0x100000c"
    ri aout "$FK/foreign-aout.bin" --policy kvm
    ri_expect 0 "run-image a.out kludge: .bss past load_end_addr zeroed, bare and kvm" \
        "console: same as bare" "@$FO/aout/bare/serial.txt:^foreign: \.bss zero$" \
        "@$FO/aout/kvm/serial.txt:^foreign: \.bss zero$"

    ri vector "$FK/foreign-vector.elf" # every policy
    ri_expect 0 "run-image pc-testdev 0xE4 on the stack page: two vectoring exits, counted" \
        "^smart +exit code 0" "^drop-all +exit code 0" \
        "console: same as bare; vectoring exits 2; testdev flush-page=2 fired=2 vectoring=2" \
        "hv: IDTV exit=EPT_VIOLATION idtv=0x80000603 .*#BP\(3\) -> reinject" \
        "hv: IDTV exit=EPT_VIOLATION idtv=0x80000306 .*#UD\(6\) -> reinject" \
        "@$FO/vector/bare/serial.txt:^foreign: #BP handler ran 1 time\(s\), #UD handler ran 1 time\(s\)$"

    ri cpu-filter "$FK/foreign-cpu.elf" --policy kvm --filter 'hypervisor'
    ri_expect 0 "run-image CR0/CR4, XSETBV, OSXSAVE, RDTSCP as bare (--filter hypervisor)" \
        "console: same as bare" "\(1 filtered\)" \
        "@$FO/cpu-filter/kvm/serial.txt:^foreign: CR0.NW without CD: #GP$" \
        "@$FO/cpu-filter/kvm/serial.txt:^foreign: XCR0 after XSETBV 3: 0x00000003$" \
        "@$FO/cpu-filter/kvm/serial.txt:^foreign: fw_cfg signature byte 0x000000ff$" \
        "@$FO/cpu-filter/kvm/hv.txt:^hv: fw_cfg port 0x510: not emulated" \
        "@$FO/cpu-filter/kvm/serial.txt:^foreign: PAE paging: read through the identity map 0x00005eed$" \
        "@$FO/cpu-filter/kvm/serial.txt:^foreign: IA-32e mode: EFER.LMA 0x00000400$" \
        "@$FO/cpu-filter/kvm/serial.txt:^foreign: IA-32e mode off: EFER.LMA 0x00000000$" \
        "@$FO/cpu-filter/kvm/hv.txt:CR_ACCESS=10 .*XSETBV=2"
    ri task "$FK/foreign-task.elf" --policy kvm
    ri_expect 1 "run-image: task switches run bare and under hv/, which refuses one with paging on, exit 1" \
        "@$FO/task/bare/serial.txt:^foreign: in task B with paging on$" \
        "@$FO/task/kvm/serial.txt:^foreign: in task B after a task switch$" \
        "@$FO/task/kvm/serial.txt:^foreign: back in task A$" \
        "@$FO/task/kvm/hv.txt:^hv: TASK-SWITCH sel=0x18 by=JMP rip=0x[0-9a-f]+ -> eip=0x[0-9a-f]+ tr=0x18$" \
        "^kvm +hv: ERROR task switch to selector 0x20 by JMP at rip 0x[0-9a-f]+ with guest paging on: not emulated"
    ri cpu "$FK/foreign-cpu.elf" --policy kvm
    ri_expect 1 "run-image without --filter: the hypervisor bit differs, exit 1" \
        "bare: foreign: CPUID.1:ECX.hypervisor 0" "virt: foreign: CPUID.1:ECX.hypervisor 1" \
        "console: DIFFERS from bare \(1 lines\)"

    ri high-256 "$FK/foreign-high.elf" --ram 256 --policy kvm
    ri_expect 0 "run-image --ram 256: a kernel at 160 MiB runs (EPT maps the RAM)" \
        "console: same as bare"
    ri high-128 "$FK/foreign-high.elf" --policy kvm
    ri_expect 2 "run-image: a kernel at 160 MiB with 128 MiB of RAM is refused" \
        "hv/ refused the image: bad image: segment \[0xa000000, .* outside guest RAM"
    ri overlap "$FK/foreign-overlap.elf" --policy kvm
    ri_expect 2 "run-image: a kernel over hv/'s image area is refused" \
        "hv/ refused the image: bad image: .* overlaps hv/'s image area"
    # an ELF64 segment at p_paddr 2^64 - 4 KiB, 8 KiB long: the end wraps below the RAM's
    python3 -c '
import struct, sys
img = bytearray(0x1100)
img[0:16] = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
struct.pack_into("<HHIQQQIHHHHHH", img, 16, 2, 62, 1, 0x100000, 64, 0, 0, 64, 56, 2, 0, 0, 0)
for i, a in enumerate((0x100000, 2**64 - 0x1000)):
    struct.pack_into("<IIQQQQQQ", img, 64 + 56 * i, 1, 5, 0x1000, a, a, 16, 0x2000, 0x1000)
struct.pack_into("<III", img, 0x200, 0x1badb002, 0, (-0x1badb002) & 0xffffffff)
img[0x1000:0x1002] = b"\xeb\xfe"
sys.stdout.buffer.write(img)' >"$OUT/foreign-wrap.elf"
    ri wrap "$OUT/foreign-wrap.elf" --policy kvm
    ri_expect 2 "run-image: a segment whose end wraps past 2^64 is refused, not written" \
        "hv/ refused the image: bad image: segment \[0xfffffffffffff000, 0x1000\) is outside"

    head -c 4096 /dev/zero >"$OUT/foreign-noheader.bin"
    ri noheader "$OUT/foreign-noheader.bin" --policy kvm
    ri_expect 2 "run-image: no Multiboot header" \
        "hv/ refused the image: bad image: no Multiboot 1 header in the first 8 KiB"
    cp "$FK/foreign-aout.bin" "$OUT/foreign-badsum.bin"
    printf '\001' | dd of="$OUT/foreign-badsum.bin" bs=1 seek=8 conv=notrunc status=none
    ri badsum "$OUT/foreign-badsum.bin" --policy kvm
    ri_expect 2 "run-image: a bad header checksum" \
        "hv/ refused the image: bad image: Multiboot header at offset 0x0 has a bad checksum"
    head -c 400000 /dev/zero >"$OUT/foreign-big.bin"
    ri big "$FK/foreign-elf32.elf" --module "$OUT/foreign-big.bin" --policy kvm
    ri_expect 2 "run-image: kernel and modules over 384 KiB" "more than the 384 KiB"

    ri usage-ram "$FK/foreign-elf32.elf" --ram 64
    ri_expect 2 "run-image --ram 64: refused" "--ram 64: give MiB from 128 to 512"
    ri usage-policy "$FK/foreign-elf32.elf" --policy nosuch
    ri_expect 2 "run-image --policy nosuch: refused" "unknown policy 'nosuch'"
    ri usage-file /nonexistent/kernel.elf
    ri_expect 2 "run-image of a missing file: refused" "/nonexistent/kernel.elf: not a readable file"
fi
