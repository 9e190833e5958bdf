/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/results.c — see results.h. */
#include "runner/results.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "runner/util.h"

static const char marker_text[] =
    "This directory was written by `redeliver run`; the next run empties it.\n";

int results_open(const char *dir, char **err)
{
    if (is_dir(dir)) {
        char *m = path_join(dir, RESULTS_MARKER);
        bool ours = is_file(m);
        free(m);
        if (!ours && !dir_is_empty(dir)) {
            *err = xasprintf("%s exists and was not made by redeliver (no %s): choose "
                             "another --results, or empty it yourself",
                             dir, RESULTS_MARKER);
            return -1;
        }
    } else if (mkdir_p(dir) != 0) {
        *err = xasprintf("%s: %s", dir, strerror(errno));
        return -1;
    }
    char *m = path_join(dir, RESULTS_MARKER);
    int fd = open(m, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        *err = xasprintf("%s: %s", m, strerror(errno));
        free(m);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        *err = xasprintf("%s is in use by another redeliver run", dir);
        close(fd);
        free(m);
        return -1;
    }
    if (ftruncate(fd, 0) != 0 || write(fd, marker_text, strlen(marker_text)) < 0 ||
        remove_contents(dir, RESULTS_MARKER) != 0) {
        *err = xasprintf("%s: cannot empty it: %s", dir, strerror(errno));
        close(fd);
        free(m);
        return -1;
    }
    free(m);
    return fd;
}

int results_write(const char *dir, const char *name, const char *text, char **err)
{
    char *p = path_join(dir, name);
    int rc = write_file(p, text, strlen(text));
    if (rc != 0)
        *err = xasprintf("%s: %s", p, strerror(errno));
    free(p);
    return rc;
}
