# SPDX-License-Identifier: BSD-2-Clause
# redeliver — top-level build.  `make` builds everything with warnings as errors.
#   make run    the conformance matrix and its verdict table (installs what is missing)
#   make test   unit tests, fuzzing (bounded) and the scenarios end to end on Bochs
# Sub-makefiles (core/core.mk, runner/runner.mk) add their own targets; sources are found
# by wildcard so that adding a file needs no edit here.

BUILD    ?= build
CC       ?= gcc
CLANG    ?= clang
Q        ?= @

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -I. -MMD -MP
FREE_CFLAGS := -std=gnu11 -O2 -g $(WARN) -I. -MMD -MP -ffreestanding -nostdlib \
	-fno-builtin -mno-red-zone -mgeneral-regs-only -mno-sse -mno-mmx -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mcmodel=small -fcf-protection=none
FREE_ASFLAGS := -I. -MMD -MP -fno-pic -fno-pie
FREE_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T lib/kernel.ld

CORE_SRCS   := $(wildcard core/*.c)
LIB_SRCS    := $(wildcard lib/*.c lib/*.S)
HV_SRCS     := $(wildcard hv/*.c hv/*.S)
GUEST_SRCS  := $(wildcard guest/*.c guest/*.S tests/*.c)
RUNNER_LIB  := $(filter-out runner/main.c,$(wildcard runner/*.c))

free_obj = $(patsubst %,$(BUILD)/free/%.o,$(basename $(1)))
host_obj = $(patsubst %,$(BUILD)/host/%.o,$(basename $(1)))

CORE_HOST_OBJS   := $(call host_obj,$(CORE_SRCS))
RUNNER_LIB_OBJS  := $(call host_obj,$(RUNNER_LIB))
HV_OBJS          := $(call free_obj,$(LIB_SRCS) $(CORE_SRCS) $(HV_SRCS))
GUEST_OBJS       := $(call free_obj,$(LIB_SRCS) $(GUEST_SRCS))

UNIT_CORE_TESTS   := $(patsubst unit/core/%.c,$(BUILD)/unit/%,$(wildcard unit/core/test_*.c))
UNIT_RUNNER_TESTS := $(patsubst unit/runner/%.c,$(BUILD)/unit/%,$(wildcard unit/runner/test_*.c))
UNIT_TESTS        := $(UNIT_CORE_TESTS) $(UNIT_RUNNER_TESTS)

IMAGES := $(BUILD)/hv.bin $(BUILD)/guest.bin $(BUILD)/boot.img
REDELIVER := $(BUILD)/redeliver

.PHONY: all images deps deps-test test unit e2e run format check-format check-self-contained clean
all: $(IMAGES) $(REDELIVER) $(UNIT_TESTS)
images: $(IMAGES)

deps:      # what make run needs
	$(Q)scripts/deps.sh
deps-test: # and what make test adds
	$(Q)scripts/deps.sh --test

# ---- freestanding objects (hv/, guest/, lib/, core/ for the hypervisor) ----
$(BUILD)/free/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FREE_CFLAGS) -c $< -o $@
$(BUILD)/free/%.o: %.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(FREE_ASFLAGS) -c $< -o $@

# ---- host objects (core/ for tools and tests, runner/) ----
$(BUILD)/host/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

# ---- kernel images: flat Multiboot 1 binaries linked at 1 MiB (docs/emulators.md) ----
$(BUILD)/%.elf: lib/kernel.ld
	$(Q)$(CC) $(FREE_LDFLAGS) -o $@ $(filter %.o,$^) -lgcc
$(BUILD)/hv.elf: $(HV_OBJS)
$(BUILD)/guest.elf: $(GUEST_OBJS)
$(BUILD)/%.bin: $(BUILD)/%.elf scripts/check-image.sh
	$(Q)objcopy -O binary $< $@
	$(Q)scripts/check-image.sh $@

$(BUILD)/boot.img: boot/boot.S boot/boot.ld
	@mkdir -p $(BUILD)/boot
	$(Q)$(CC) -c -m32 -o $(BUILD)/boot/boot.o boot/boot.S
	$(Q)ld -m elf_i386 -T boot/boot.ld -o $(BUILD)/boot/boot.elf $(BUILD)/boot/boot.o
	$(Q)objcopy -O binary $(BUILD)/boot/boot.elf $(BUILD)/boot/boot.sec
	$(Q)rm -f $@ && truncate -s 1474560 $@
	$(Q)dd if=$(BUILD)/boot/boot.sec of=$@ conv=notrunc status=none

# ---- host CLI ----
$(REDELIVER): $(BUILD)/host/runner/main.o $(RUNNER_LIB_OBJS) $(CORE_HOST_OBJS)
	$(Q)$(CC) -o $@ $^ -ljansson -linih

# ---- unit tests (cmocka) ----
$(UNIT_CORE_TESTS): $(BUILD)/unit/%: $(BUILD)/host/unit/core/%.o $(CORE_HOST_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ -lcmocka
$(UNIT_RUNNER_TESTS): $(BUILD)/unit/%: $(BUILD)/host/unit/runner/%.o $(RUNNER_LIB_OBJS) $(CORE_HOST_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ -lcmocka -ljansson -linih

unit: $(UNIT_TESTS)
	$(Q)set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

TEST_STEPS := check-format check-self-contained unit e2e report-check answer-check dims-check models-check batch-check
e2e: $(IMAGES) $(REDELIVER)
	$(Q)scripts/e2e.sh $(BUILD)

# results.html as headless Chromium renders it, against summary.json (docs/runner.md)
.PHONY: report-check
report-check: $(IMAGES) $(REDELIVER)
	$(Q)scripts/report-check.sh $(BUILD)

# docs/ANSWER.md: the measured table is regenerated from the matrix; CI checks it is current.
.PHONY: answer answer-check
answer: $(IMAGES) $(REDELIVER)
	$(Q)scripts/answer.sh $(BUILD)
answer-check: $(IMAGES) $(REDELIVER)
	$(Q)scripts/answer.sh $(BUILD) --check

# Every policy against the catalogue on the two other Bochs 2.7 CPU models and under the
# kvm-like profile: the catalogue's expectations were written for the default model and
# profile, and must hold there too (docs/bochs-versions.md, "CPU models").
.PHONY: models-check
models-check: $(IMAGES) $(REDELIVER)
	$(Q)$(REDELIVER) run --cpu bochs:sandybridge --cpu bochs:tigerlake --results $(BUILD)/models >$(BUILD)/models.txt || { cat $(BUILD)/models.txt; exit 1; }
	$(Q)$(REDELIVER) run --profile kvm-like --results $(BUILD)/kvm-like >$(BUILD)/kvm-like.txt || { cat $(BUILD)/kvm-like.txt; exit 1; }
	$(Q)grep -h '^total' $(BUILD)/models.txt $(BUILD)/kvm-like.txt | sed 's/^/models-check: /'

# Many rows per boot change no cell: the matrix with --batch 1 and batched (docs/runner.md).
.PHONY: batch-check
batch-check: $(IMAGES) $(REDELIVER)
	$(Q)scripts/batch-check.sh $(BUILD)

# The two commands of README.md.
# The steps run one after another even under -j: two emulator matrices at once on 2 cores
# would only make both slower and risk their timeouts.
test: deps-test
	$(Q)$(MAKE) --no-print-directory all
	$(Q)for step in $(TEST_STEPS); do $(MAKE) --no-print-directory $$step || exit 1; done
# make run: the matrix on Bochs 2.7 and QEMU against tests/scenarios.cfg, then on Bochs 3.0
# (built first when missing) against the grid docs/bochs-versions.md records; either failing
# fails the run.
RUN_ARGS ?= --cpu bochs --cpu qemu
run: deps bochs3
	$(Q)$(MAKE) --no-print-directory images $(REDELIVER)
	$(Q)status=0; $(REDELIVER) run $(RUN_ARGS) || status=$$?; \
	scripts/bochs3_table.sh $(BUILD) --check --show || status=1; exit $$status

# Bochs 3.0 beside 2.7 (docs/bochs-versions.md): built once from Debian's trixie source
# package into ~/.cache/redeliver/bochs-3.0 (scripts/bochs3.sh; a few minutes on 2 cores),
# by `make run` and `make test` when missing. `make run-bochs3`: the matrix on both versions side by side (exit 1
# while 3.0 differs from 2.7 somewhere: the differences are measured, not expected).
# `make bochs3-check`: the 3.0 column against the table recorded in docs/bochs-versions.md.
.PHONY: bochs3 run-bochs3 bochs3-check bochs3-doc
bochs3:
	$(Q)scripts/bochs3.sh
run-bochs3: deps bochs3
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(REDELIVER) run --cpu bochs --cpu bochs3
bochs3-check: bochs3 $(IMAGES) $(REDELIVER)
	$(Q)scripts/bochs3_table.sh $(BUILD) --check
bochs3-doc: bochs3 $(IMAGES) $(REDELIVER)
	$(Q)scripts/bochs3_table.sh $(BUILD)

# The run dimensions (docs/bochs-versions.md, "CPU models"; docs/hv.md, "Intercept
# profiles"): the dims block of docs/ANSWER.md from the matrix on bochs, bochs3,
# bochs:sandybridge and bochs:tigerlake, and on bochs under kvm-like (`make dims`, `dims-check`);
# `make test` runs `dims-check` (the whole block, 17 s since runs share boots);
# `dims-subset-check` checks the cells of a subset only (scripts/dims.sh, SUBSET).
.PHONY: dims dims-check dims-subset-check
dims: bochs3 $(IMAGES) $(REDELIVER)
	$(Q)scripts/dims.sh $(BUILD)
dims-check: bochs3 $(IMAGES) $(REDELIVER)
	$(Q)scripts/dims.sh $(BUILD) --check
dims-subset-check: bochs3 $(IMAGES) $(REDELIVER)
	$(Q)scripts/dims.sh $(BUILD) --check --subset

FORMAT_SRCS = $(shell git ls-files '*.c' '*.h')
format:
	$(Q)clang-format -i $(FORMAT_SRCS)
check-format:
	$(Q)clang-format --dry-run -Werror $(FORMAT_SRCS)

# Code, output and docs cite the Intel SDM or docs/, nothing outside the repository.
check-self-contained:
	$(Q)scripts/check-self-contained.sh

clean:
	rm -rf $(BUILD)

-include core/core.mk runner/runner.mk tests/foreign/foreign.mk
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
