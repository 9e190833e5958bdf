# SPDX-License-Identifier: BSD-2-Clause
# runner/runner.mk — extra targets for the host CLI (included by the top-level Makefile).
#   make unit-runner   build and run only the runner's unit tests (no emulator needed)

.PHONY: unit-runner
unit-runner: $(UNIT_RUNNER_TESTS)
	$(Q)set -e; for t in $(UNIT_RUNNER_TESTS); do echo "== $$t"; $$t; done
