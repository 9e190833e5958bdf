/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/util.c — see util.h. */
#define _GNU_SOURCE
#include "runner/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

static void out_of_memory(void)
{
    fputs("redeliver: out of memory\n", stderr);
    exit(3);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = 0;
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    int saved = errno; /* callers format a message about errno, then test it */
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        out_of_memory();
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    errno = saved;
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void sb_addn(struct sbuf *sb, const char *s, size_t n)
{
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 64;
        while (cap < sb->len + n + 1)
            cap *= 2;
        sb->buf = xrealloc(sb->buf, cap);
        sb->cap = cap;
    }
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = 0;
}

void sb_add(struct sbuf *sb, const char *s)
{
    sb_addn(sb, s, strlen(s));
}

void sb_addf(struct sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    sb_add(sb, p);
    free(p);
}

void sb_pad(struct sbuf *sb, size_t width_done, size_t width)
{
    for (size_t i = width_done; i < width; i++)
        sb_addn(sb, " ", 1);
}

const char *sb_str(const struct sbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

char *read_file_max(const char *path, size_t max, size_t *len, bool *truncated)
{
    if (truncated)
        *truncated = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct sbuf sb = {0};
    sb_addn(&sb, "", 0);
    char chunk[65536];
    for (;;) {
        size_t want = max - sb.len < sizeof(chunk) ? max - sb.len : sizeof(chunk);
        if (want == 0) { /* at the cap: is there more? */
            char one;
            ssize_t n = read(fd, &one, 1);
            if (n > 0 && truncated)
                *truncated = true;
            if (n >= 0 || errno != EINTR)
                break;
            continue;
        }
        ssize_t n = read(fd, chunk, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) { /* a directory is EISDIR here */
            int e = errno;
            close(fd);
            free(sb.buf);
            errno = e;
            return NULL;
        }
        if (n == 0)
            break;
        sb_addn(&sb, chunk, (size_t)n);
    }
    close(fd);
    if (len)
        *len = sb.len;
    return sb.buf;
}

char *read_file(const char *path, size_t *len)
{
    return read_file_max(path, SIZE_MAX, len, NULL);
}

/* All of it at `off`, or -1 with the errno of the write that failed (a short write is
 * retried, so a full disk ends as ENOSPC, never as a silent partial file). */
static int pwrite_all(int fd, const char *p, size_t n, off_t off)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
        off += w;
    }
    return 0;
}

int write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    int rc = pwrite_all(fd, data, len, 0);
    int e = errno;
    if (close(fd) != 0 && rc == 0)
        return -1; /* a delayed write error (NFS, quota) */
    errno = e;
    return rc;
}

static bool all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

int copy_file_sparse(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        int e = errno;
        close(in);
        errno = e;
        return -1;
    }
    char block[4096];
    off_t size = 0;
    ssize_t n;
    int rc = 0;
    while ((n = read(in, block, sizeof(block))) > 0) {
        if (all_zero(block, (size_t)n)) {
            size += n;
            continue;
        }
        if (pwrite_all(out, block, (size_t)n, size) != 0) {
            rc = -1;
            break;
        }
        size += n;
    }
    if (n < 0)
        rc = -1;
    if (rc == 0 && ftruncate(out, size) != 0)
        rc = -1;
    int e = errno;
    close(in);
    if (close(out) != 0 && rc == 0)
        return -1;
    errno = e;
    return rc;
}

int mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0755);
    free(p);
    if (rc != 0 && errno == EEXIST && is_dir(path))
        return 0;
    return rc;
}

static const char *keep_name; /* nftw passes no context */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    if (ftw->level == 0)
        return 0; /* keep the directory itself */
    if (ftw->level == 1 && keep_name && strcmp(path + ftw->base, keep_name) == 0)
        return 0;
    return remove(path) == 0 ? 0 : -1;
}

int remove_contents(const char *dir, const char *keep)
{
    keep_name = keep;
    int rc = nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    keep_name = NULL;
    return rc;
}

bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return false;
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = false;
            break;
        }
    }
    closedir(d);
    return empty;
}

char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    if (la == 0)
        return xstrdup(b);
    return xasprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

char *absolute_path(const char *path)
{
    if (path[0] == '/')
        return xstrdup(path);
    char *cwd = getcwd(NULL, 0);
    if (!cwd)
        return xstrdup(path);
    char *p = path_join(cwd, path);
    free(cwd);
    return p;
}

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
