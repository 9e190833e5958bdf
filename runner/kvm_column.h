/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/kvm_column.h — `run --cpu qemu-kvm`: our guest under QEMU with KVM and pc-testdev,
 * the hypervisor under test, as one more column of the table, judged against the bare run
 * of a bare CPU model of the same run (docs/other-hypervisors.md). */
#ifndef RUNNER_KVM_COLUMN_H
#define RUNNER_KVM_COLUMN_H

#include <stddef.h>

#include "runner/matrix.h"

/* Why QEMU cannot use KVM here (caller frees), or NULL when /dev/kvm opens read-write and
 * answers KVM_GET_API_VERSION with 12. REDELIVER_KVM_DEV, when set, names the device
 * instead (the e2e test of the message). */
char *kvm_unusable(void);

/* The bare CPU model the column is judged against: Bochs 2.7, else Bochs 3.0, else QEMU TCG
 * (an index into cpus); n_cpus when none of them is there. */
size_t kvm_reference_cpu(const enum cpu_model *cpus, size_t n_cpus);

/* Appends one run per scenario on CPU_QEMU_KVM to m, each judged against the bare run of
 * m->cpus[ref_cpu] (<results>/<scenario>/qemu-kvm); `na`: why none can run (every cell
 * n/a, the reason said once under the table), or NULL. The matrix keeps `na`. */
void matrix_add_kvm(struct matrix *m, size_t ref_cpu, const char *results, const char *na);

#endif
