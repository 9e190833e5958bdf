/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/results.c — see results.h. */
#define _GNU_SOURCE
#include "runner/results.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/util.h"

static const char marker_text[] =
    "This directory was written by `redeliver run`; the next run empties it.\n";

/* Is `st` (from lstat or fstat) a marker redeliver may use? 0, or -1 with *err. */
static int marker_ok(const char *m, const struct stat *st, char **err)
{
    if (S_ISLNK(st->st_mode))
        *err = xasprintf("%s is a symbolic link, not redeliver's marker: redeliver never "
                         "follows it; remove it if this is a results directory",
                         m);
    else if (!S_ISREG(st->st_mode))
        *err = xasprintf("%s is not a regular file, not redeliver's marker", m);
    else if (st->st_nlink != 1)
        *err = xasprintf("%s has other links (a hard link to another file?): redeliver "
                         "would overwrite it; remove it if this is a results directory",
                         m);
    else
        return 0;
    return -1;
}

/* The directory itself, never through a symbolic link: its fd, or -1 with *err. */
static int open_dir(const char *dir, char **err)
{
    char *d = xstrdup(dir);
    for (size_t n = strlen(d); n > 1 && d[n - 1] == '/'; n--)
        d[n - 1] = 0; /* "link/" would follow the link */
    struct stat st;
    int fd = -1;
    if (lstat(d, &st) != 0 && errno == ENOENT && mkdir_p(d) != 0)
        *err = xasprintf("%s: %s", dir, strerror(errno));
    else if (lstat(d, &st) != 0)
        *err = xasprintf("%s: %s", dir, strerror(errno));
    else if (S_ISLNK(st.st_mode))
        *err = xasprintf("%s is a symbolic link: redeliver empties its results directory "
                         "and never through a link; give the directory itself",
                         dir);
    else if (!S_ISDIR(st.st_mode))
        *err = xasprintf("%s exists and is not a directory", dir);
    else if ((fd = open(d, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        *err = xasprintf("%s: %s", dir, errno == ELOOP ? "is a symbolic link" : strerror(errno));
    free(d);
    return fd;
}

/* Lock and rewrite the marker, then empty the directory; fd or -1 with *err. */
static int take(const char *dir, int dfd, const char *m, char **err)
{
    int fd =
        openat(dfd, RESULTS_MARKER, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    struct stat st;
    if (fd < 0) {
        if (errno == ELOOP)
            *err = xasprintf("%s is a symbolic link, not redeliver's marker", m);
        else
            *err = xasprintf("%s: %s", m, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || marker_ok(m, &st, err) != 0) {
        if (!*err)
            *err = xasprintf("%s: %s", m, strerror(errno));
        close(fd);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        *err = xasprintf("%s is in use by another redeliver run", dir);
        close(fd);
        return -1;
    }
    size_t n = strlen(marker_text);
    errno = 0;
    if (ftruncate(fd, 0) != 0 || write(fd, marker_text, n) != (ssize_t)n) {
        *err = xasprintf("%s: %s", m, errno ? strerror(errno) : "short write");
        close(fd);
        return -1;
    }
    if (remove_contents(dir, RESULTS_MARKER) != 0) {
        *err = xasprintf("%s: cannot empty it: %s", dir, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int results_open(const char *dir, char **err)
{
    *err = NULL;
    int dfd = open_dir(dir, err);
    if (dfd < 0)
        return -1;
    char *m = path_join(dir, RESULTS_MARKER);
    struct stat st;
    int fd = -1;
    if (fstatat(dfd, RESULTS_MARKER, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (marker_ok(m, &st, err) == 0)
            fd = take(dir, dfd, m, err);
    } else if (errno != ENOENT) {
        *err = xasprintf("%s: %s", m, strerror(errno));
    } else if (!dir_is_empty(dir)) {
        *err = xasprintf("%s exists and was not made by redeliver (no %s): choose "
                         "another --results, or empty it yourself",
                         dir, RESULTS_MARKER);
    } else {
        fd = take(dir, dfd, m, err);
    }
    close(dfd);
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
