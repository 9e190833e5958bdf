# SPDX-License-Identifier: BSD-2-Clause
# core/ targets, included by the top-level Makefile.
#   make core-free   every core/*.c built freestanding (as hv/ links it)
#   make fuzz        libFuzzer target over decode, checks, the event queue and its meaning
#   make fuzz-test   run it for FUZZ_TIME seconds (part of `make test`)
#   make fuzz-mutants  the fuzzer catches each deliberately broken copy of core/ within
#                    MUTANT_TIME seconds (scripts/fuzz_mutants.sh; part of `make test`)
#   make bench       callgrind instruction counts of after-exit + before-entry
#   make bench-check the same for the freestanding build; fails over a target (make test)

FUZZ_TIME   ?= 20
MUTANT_TIME ?= 20
FUZZ_CFLAGS := -std=gnu11 -O1 -g -I. -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CORE   := $(BUILD)/fuzz/fuzz_core
BENCH_CORE  := $(BUILD)/bench/bench_core
BENCH_N     ?= 1000

.PHONY: core-free fuzz fuzz-test bench
core-free: $(call free_obj,$(CORE_SRCS))

FUZZ_SRCS   := $(wildcard unit/fuzz/*.c)
fuzz: $(FUZZ_CORE)
$(FUZZ_CORE): $(FUZZ_SRCS) $(wildcard unit/fuzz/*.h) $(CORE_SRCS) $(wildcard core/*.h)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS) $(CORE_SRCS)

fuzz-test: $(FUZZ_CORE)
	@mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/artifacts
	$(Q)$(FUZZ_CORE) -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz/artifacts/ $(BUILD)/fuzz/corpus 2>$(BUILD)/fuzz/log.txt \
		|| { tail -40 $(BUILD)/fuzz/log.txt; exit 1; }
	$(Q)grep -E 'stat::number_of_executed_units|Done' $(BUILD)/fuzz/log.txt | sed 's/^/fuzz_core: /'

$(BENCH_CORE): $(BUILD)/host/unit/bench/bench_core.o $(CORE_HOST_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^
# the same driver linked with the freestanding objects hv/ links (no libc calls in them)
$(BENCH_CORE)_free: $(BUILD)/host/unit/bench/bench_core.o $(call free_obj,$(CORE_SRCS))
	@mkdir -p $(@D)
	$(Q)$(CC) -no-pie -o $@ $^

bench: $(BENCH_CORE) $(BENCH_CORE)_free
	@echo "core/ as hv/ links it (freestanding objects):"
	$(Q)scripts/bench_core.sh $(BENCH_CORE)_free $(BENCH_N)
	@echo "core/ as the host tools link it:"
	$(Q)scripts/bench_core.sh $(BENCH_CORE) $(BENCH_N)

TEST_STEPS += fuzz-test

# core/ is copied and mutated under $(BUILD)/mutants, never edited in place.
.PHONY: fuzz-mutants
fuzz-mutants:
	$(Q)CLANG="$(CLANG)" FUZZ_CFLAGS="$(FUZZ_CFLAGS)" scripts/fuzz_mutants.sh $(BUILD) $(MUTANT_TIME)
TEST_STEPS += fuzz-mutants

# `make test` keeps core/ within the instruction targets of `make bench` (issue 3): the
# freestanding objects are what hv/ runs; callgrind counts repeat exactly for one binary.
.PHONY: bench-check
bench-check: $(BENCH_CORE)_free
	$(Q)out=$$(scripts/bench_core.sh $(BENCH_CORE)_free $(BENCH_N)) || exit 1; echo "$$out"; \
	if echo "$$out" | grep -q "OVER TARGET"; then \
		echo "bench-check: core/ is over its instruction target (make bench)" >&2; exit 1; fi
TEST_STEPS += bench-check
-include core/lib.mk
