# SPDX-License-Identifier: BSD-2-Clause
# runner/runner.mk — extra targets for the host CLI (included by the top-level Makefile).
#   make unit-runner   build and run only the runner's unit tests (no emulator needed)

.PHONY: unit-runner
unit-runner: $(UNIT_RUNNER_TESTS)
	$(Q)set -e; for t in $(UNIT_RUNNER_TESTS); do echo "== $$t"; $$t; done

# The version of `redeliver --version`: git describe at build time when this is a git tree
# (runner/version.c has the fallback). Only version.o sees the define; a stamp file that
# changes only with the version rebuilds it after a commit or an edit (-dirty).
REDELIVER_VERSION := $(shell git describe --always --dirty 2>/dev/null)
VERSION_STAMP := $(BUILD)/version.stamp
$(BUILD)/host/runner/version.o: HOST_CFLAGS += \
	$(if $(REDELIVER_VERSION),-DREDELIVER_VERSION='"$(REDELIVER_VERSION)"')
$(BUILD)/host/runner/version.o: $(VERSION_STAMP)
.PHONY: version-stamp-force
$(VERSION_STAMP): version-stamp-force
	@mkdir -p $(@D)
	$(Q)echo '$(REDELIVER_VERSION)' | cmp -s - $@ || echo '$(REDELIVER_VERSION)' > $@

# `redeliver fuzz` campaigns (docs/fuzz.md, scripts/fuzz_guest.sh): fuzz-guest is long
# (FUZZ_GUEST_COUNT programs, every policy); fuzz-guest-ci is bounded and part of make
# test: kvm must match, and drop-all judged as kvm must fail the campaign.
.PHONY: fuzz-guest fuzz-guest-ci
fuzz-guest: $(IMAGES) $(REDELIVER)
	$(Q)scripts/fuzz_guest.sh $(BUILD)
fuzz-guest-ci: $(IMAGES) $(REDELIVER)
	$(Q)scripts/fuzz_guest.sh $(BUILD) ci
TEST_STEPS += fuzz-guest-ci
# one seed's campaign with --batch 1 and batched: the same classes (scripts/fuzz-batch-check.sh)
.PHONY: fuzz-batch-check
fuzz-batch-check: $(IMAGES) $(REDELIVER)
	$(Q)scripts/fuzz-batch-check.sh $(BUILD)
TEST_STEPS += fuzz-batch-check
