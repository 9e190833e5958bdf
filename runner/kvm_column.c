/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/kvm_column.c — see kvm_column.h. */
#include "runner/kvm_column.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "runner/util.h"

char *kvm_unusable(void)
{
    const char *dev = getenv("REDELIVER_KVM_DEV");
    if (!dev || !*dev)
        dev = "/dev/kvm";
    int fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return xasprintf("%s does not exist: this machine has no KVM (bare metal or a VM "
                         "with nested virtualization has it), so QEMU cannot run with -accel kvm",
                         dev);
    if (fd < 0)
        return xasprintf("cannot open %s read-write: %s (QEMU needs it: join group kvm, or "
                         "run as root)",
                         dev, strerror(errno));
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    int e = errno;
    close(fd);
    if (version != KVM_API_VERSION)
        return version < 0
                   ? xasprintf("%s is not a KVM device: KVM_GET_API_VERSION: %s", dev, strerror(e))
                   : xasprintf("%s answers KVM API version %d, not %d", dev, version,
                               KVM_API_VERSION);
    return NULL;
}

size_t kvm_reference_cpu(const enum cpu_model *cpus, size_t n_cpus)
{
    static const enum cpu_model order[] = {CPU_BOCHS, CPU_BOCHS3, CPU_QEMU};
    for (size_t k = 0; k < ARRAY_SIZE(order); k++)
        for (size_t i = 0; i < n_cpus; i++)
            if (cpus[i] == order[k])
                return i;
    return n_cpus;
}

void matrix_add_kvm(struct matrix *m, size_t ref_cpu, const char *results, const char *na)
{
    /* the runs point at each other: keep the links as indices across the realloc */
    size_t n = m->n_runs, *bare = xcalloc(n + 1, sizeof(*bare)),
           *ref = xcalloc(n + 1, sizeof(*ref));
    for (size_t i = 0; i < n; i++) {
        bare[i] = m->runs[i].bare ? (size_t)(m->runs[i].bare - m->runs) : n;
        ref[i] = m->runs[i].ref ? (size_t)(m->runs[i].ref - m->runs) : n;
    }
    m->runs = xrealloc(m->runs, (n + m->n_scen) * sizeof(*m->runs));
    memset(m->runs + n, 0, m->n_scen * sizeof(*m->runs));
    for (size_t i = 0; i < n; i++) {
        m->runs[i].bare = bare[i] < n ? &m->runs[bare[i]] : NULL;
        m->runs[i].ref = ref[i] < n ? &m->runs[ref[i]] : NULL;
    }
    free(bare);
    free(ref);
    m->n_runs = n + m->n_scen;
    m->kvm_column = true;
    m->kvm_na = na;
    for (size_t s = 0; s < m->n_scen; s++) {
        struct run *r = &m->runs[n + s], *b = matrix_at(m, s, ref_cpu, 0);
        r->sc = m->scen[s];
        r->cpu = CPU_QEMU_KVM;
        r->foreign = true;
        r->bare = b;
        b->foreign_run = r;
        r->na = na != NULL;
        r->na_why = na;
        r->trace.vectoring_exits = r->trace.testdev_writes = -1;
        if (!r->na) {
            char *sub = xasprintf("%s/%s", r->sc->name, cpu_name(CPU_QEMU_KVM));
            r->dir = path_join(results, sub);
            free(sub);
        }
    }
}
