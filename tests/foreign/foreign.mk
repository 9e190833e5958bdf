# SPDX-License-Identifier: BSD-2-Clause
# tests/foreign/foreign.mk — the foreign Multiboot test kernels of run-image
# (docs/foreign-guests.md): 32-bit freestanding code, no redeliver library.
#   foreign-elf32.elf   ELF32, header flags 0, at 2 MiB
#   foreign-elf64.elf   the same code in an ELF64 file (program headers of class 64) at 16 MiB
#   foreign-aout.bin    flat image, a.out kludge (flags bit 16) at 3 MiB, .bss past load_end
#   foreign-vector.elf  ELF32 at 4 MiB: port 0xE4 on its stack page, then INT3 and UD2
#   foreign-cpu.elf     ELF32 at 2 MiB: CR0.CD/NW/NE, paging, CR4.OSXSAVE, XSETBV, RDTSCP
#   foreign-overlap.elf ELF32 at 12 MiB, over hv/'s image area: refused
#   foreign-high.elf    ELF32 at 160 MiB: refused with 128 MiB of RAM, runs with 256
#   foreign-task.elf    ELF32 at 2 MiB: JMPs between TSSes (hv/ emulates them, refuses one with paging on)
#   module-a.txt, module-b.txt  module contents for the e2e test
FOREIGN_DIR := $(BUILD)/foreign
FOREIGN_CFLAGS := -m32 -std=gnu11 -O2 $(WARN) -I. -MMD -MP -ffreestanding -nostdlib -fno-builtin \
	-mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none
FOREIGN_LD := ld -m elf_i386 --build-id=none -z noexecstack -z max-page-size=4096 \
	--no-warn-rwx-segments
FOREIGN_COMMON := $(FOREIGN_DIR)/entry_elf.o $(FOREIGN_DIR)/kernel.o $(FOREIGN_DIR)/tables.o
FOREIGN_IMAGES := $(addprefix $(FOREIGN_DIR)/,foreign-elf32.elf foreign-elf64.elf \
	foreign-aout.bin foreign-vector.elf foreign-cpu.elf foreign-overlap.elf foreign-high.elf \
	foreign-task.elf \
	module-a.txt module-b.txt)

.PHONY: foreign
all: foreign
foreign: $(FOREIGN_IMAGES)

$(FOREIGN_DIR)/%.o: tests/foreign/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FOREIGN_CFLAGS) -c $< -o $@
$(FOREIGN_DIR)/main-vector.o: tests/foreign/main.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FOREIGN_CFLAGS) -DFOREIGN_VECTOR -c $< -o $@
$(FOREIGN_DIR)/main-cpu.o: tests/foreign/main.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FOREIGN_CFLAGS) -DFOREIGN_CPU -c $< -o $@
$(FOREIGN_DIR)/main-task.o: tests/foreign/main.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FOREIGN_CFLAGS) -DFOREIGN_TASK -c $< -o $@
$(FOREIGN_DIR)/%.o: tests/foreign/%.S
	@mkdir -p $(@D)
	$(Q)$(CC) -m32 -MMD -MP -c $< -o $@

$(FOREIGN_DIR)/foreign-elf32.elf: $(FOREIGN_COMMON) $(FOREIGN_DIR)/main.o tests/foreign/elf.ld
	$(Q)$(FOREIGN_LD) -T tests/foreign/elf.ld -o $@ $(filter %.o,$^)
$(FOREIGN_DIR)/foreign-elf64.elf: $(FOREIGN_COMMON) $(FOREIGN_DIR)/main.o tests/foreign/elf.ld
	$(Q)$(FOREIGN_LD) --defsym load_base=0x1000000 -T tests/foreign/elf.ld -o $@.32 \
		$(filter %.o,$^)
	$(Q)objcopy -I elf32-i386 -O elf64-x86-64 $@.32 $@
$(FOREIGN_DIR)/foreign-vector.elf: $(FOREIGN_COMMON) $(FOREIGN_DIR)/main-vector.o \
		$(FOREIGN_DIR)/vector.o tests/foreign/elf.ld
	$(Q)$(FOREIGN_LD) --defsym load_base=0x400000 -T tests/foreign/elf.ld -o $@ \
		$(filter %.o,$^)
$(FOREIGN_DIR)/foreign-cpu.elf: $(FOREIGN_COMMON) $(FOREIGN_DIR)/main-cpu.o $(FOREIGN_DIR)/cpu.o \
		$(FOREIGN_DIR)/paging.o \
		tests/foreign/elf.ld
	$(Q)$(FOREIGN_LD) -T tests/foreign/elf.ld -o $@ $(filter %.o,$^)
$(FOREIGN_DIR)/foreign-task.elf: $(FOREIGN_COMMON) $(FOREIGN_DIR)/main-task.o $(FOREIGN_DIR)/task.o \
		tests/foreign/elf.ld
	$(Q)$(FOREIGN_LD) -T tests/foreign/elf.ld -o $@ $(filter %.o,$^)
$(FOREIGN_DIR)/foreign-overlap.elf: $(FOREIGN_COMMON) $(FOREIGN_DIR)/main.o tests/foreign/elf.ld
	$(Q)$(FOREIGN_LD) --defsym load_base=0xc00000 -T tests/foreign/elf.ld -o $@ $(filter %.o,$^)
$(FOREIGN_DIR)/foreign-high.elf: $(FOREIGN_COMMON) $(FOREIGN_DIR)/main.o tests/foreign/elf.ld
	$(Q)$(FOREIGN_LD) --defsym load_base=0xa000000 -T tests/foreign/elf.ld -o $@ $(filter %.o,$^)
$(FOREIGN_DIR)/foreign-aout.bin: $(FOREIGN_DIR)/entry_aout.o $(FOREIGN_DIR)/kernel.o \
		$(FOREIGN_DIR)/tables.o \
		$(FOREIGN_DIR)/main.o tests/foreign/aout.ld
	$(Q)$(FOREIGN_LD) -T tests/foreign/aout.ld -o $@.elf $(filter %.o,$^)
	$(Q)objcopy -O binary $@.elf $@
$(FOREIGN_DIR)/module-a.txt:
	@mkdir -p $(@D)
	$(Q)printf 'first module: redeliver foreign kernel test\n' > $@
$(FOREIGN_DIR)/module-b.txt:
	@mkdir -p $(@D)
	$(Q)printf 'second module\nwith two lines\n' > $@
