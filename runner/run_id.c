/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/run_id.c — see run_id.h. */
#define _GNU_SOURCE
#include "runner/run_id.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/results.h"
#include "runner/util.h"

void run_id_format(const struct timespec *ts, char *buf)
{
    struct tm tm;
    time_t t = ts->tv_sec;
    gmtime_r(&t, &tm);
    char stamp[20];
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    char id[64];
    snprintf(id, sizeof(id), "%.16s-%06ld", stamp, (long)(ts->tv_nsec / 1000) % 1000000);
    memcpy(buf, id, RUN_ID_LEN);
    buf[RUN_ID_LEN] = 0;
}

/* root/<id of ts>, bumping the microseconds while that name exists. */
static char *create_at(const char *root, struct timespec ts, char **err)
{
    for (int tries = 0; tries < 1000; tries++) {
        char id[RUN_ID_LEN + 1];
        run_id_format(&ts, id);
        char *dir = path_join(root, id);
        if (mkdir(dir, 0755) == 0)
            return dir;
        if (errno != EEXIST) {
            *err = xasprintf("%s: %s", dir, strerror(errno));
            free(dir);
            return NULL;
        }
        free(dir);
        ts.tv_nsec += 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_nsec -= 1000000000L;
            ts.tv_sec++;
        }
    }
    *err = xasprintf("%s: no free run id near this time", root);
    return NULL;
}

int run_dir_create(const char *root, char **dir, char **err)
{
    *err = NULL;
    struct stat st;
    if (lstat(root, &st) != 0 && (errno != ENOENT || mkdir_p(root) != 0)) {
        *err = xasprintf("%s: %s", root, strerror(errno));
        return -1;
    }
    /* root itself may be a link to a directory elsewhere (another disk): nothing in it is
     * ever deleted, and run directories are made inside it with mkdir */
    if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        *err = xasprintf("%s exists and is not a directory (results of each run go to "
                         "%s/<run-id>; or give --results DIR)",
                         root, root);
        return -1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *dir = create_at(root, ts, err);
    return *dir ? 0 : -1;
}

int run_latest_check(const char *root, char **err)
{
    *err = NULL;
    char *link = path_join(root, LATEST_LINK);
    struct stat st;
    int rc = 0;
    if (lstat(link, &st) != 0 || S_ISLNK(st.st_mode)) {
        /* none yet, or a link: replaced, never followed */
    } else if (!S_ISDIR(st.st_mode)) {
        *err = xasprintf("%s exists and is not the link redeliver makes: remove it", link);
        rc = -1;
    } else {
        char *m = path_join(link, RESULTS_MARKER);
        struct stat ms;
        if (lstat(m, &ms) != 0 || !S_ISREG(ms.st_mode) || ms.st_nlink != 1) {
            *err = xasprintf("%s is a directory redeliver did not make (no %s): move it away; "
                             "results/latest is now a link to the newest results/<run-id>",
                             link, RESULTS_MARKER);
            rc = -1;
        }
        free(m);
    }
    free(link);
    return rc;
}

/* An older redeliver's results/latest directory: keep it as root/<run-id of its marker>. */
static int keep_old_latest(const char *root, const char *link, char **err)
{
    char *m = path_join(link, RESULTS_MARKER);
    struct stat ms;
    int rc = lstat(m, &ms);
    free(m);
    if (rc != 0) {
        *err = xasprintf("%s: %s", link, strerror(errno));
        return -1;
    }
    struct timespec ts = ms.st_mtim;
    for (int tries = 0; tries < 1000; tries++, ts.tv_nsec = (ts.tv_nsec + 1000) % 1000000000L) {
        char id[RUN_ID_LEN + 1];
        run_id_format(&ts, id);
        char *to = path_join(root, id);
        rc = renameat2(AT_FDCWD, link, AT_FDCWD, to, RENAME_NOREPLACE);
        if (rc == 0)
            fprintf(stderr, "redeliver: %s was a directory: kept as %s\n", link, to);
        free(to);
        if (rc == 0)
            return 0;
        if (errno != EEXIST)
            break;
    }
    *err = xasprintf("%s: cannot move it aside: %s", link, strerror(errno));
    return -1;
}

int run_latest_point(const char *root, const char *dir, char **err)
{
    *err = NULL;
    if (run_latest_check(root, err) != 0)
        return -1;
    char *link = path_join(root, LATEST_LINK);
    char *tmp = xasprintf("%s/.%s.%ld", root, LATEST_LINK, (long)getpid());
    const char *slash = strrchr(dir, '/');
    const char *target = slash ? slash + 1 : dir;
    struct stat st;
    int rc = 0;
    if (lstat(link, &st) == 0 && S_ISDIR(st.st_mode))
        rc = keep_old_latest(root, link, err);
    if (rc == 0) {
        unlink(tmp);
        if (symlink(target, tmp) != 0 || rename(tmp, link) != 0) {
            *err = xasprintf("%s: %s", link, strerror(errno));
            unlink(tmp);
            rc = -1;
        }
    }
    free(tmp);
    free(link);
    return rc;
}

int run_results_open(const char *given, const char *root, char **dir, char **err)
{
    *err = NULL;
    if (given) {
        *dir = xstrdup(given);
        return results_open(given, err);
    }
    if (run_latest_check(root, err) != 0 || run_dir_create(root, dir, err) != 0)
        return -1;
    int lock = results_open(*dir, err);
    if (lock >= 0 && run_latest_point(root, *dir, err) != 0) {
        close(lock);
        return -1;
    }
    return lock;
}
