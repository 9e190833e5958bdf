/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/util.h — small host helpers: checked allocation, formatted strings, files and
 * directories, a growable string buffer, the monotonic clock. Nothing here knows about
 * scenarios or emulators. */
#ifndef RUNNER_UTIL_H
#define RUNNER_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that never returns NULL: out of memory ends the program (status 3). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable NUL-terminated string. Zero-initialise, append, then free(sb.buf). */
struct sbuf {
    char *buf;
    size_t len;
    size_t cap;
};
void sb_add(struct sbuf *sb, const char *s);
void sb_addn(struct sbuf *sb, const char *s, size_t n);
void sb_addf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_pad(struct sbuf *sb, size_t width_done, size_t width); /* spaces up to width */
const char *sb_str(const struct sbuf *sb);                     /* "" when empty */

/* Files. read_file returns a NUL-terminated buffer (the file may contain NULs: use *len),
 * or NULL with errno set. write_file replaces the file; returns 0 or -1 with errno. */
char *read_file(const char *path, size_t *len);
/* At most `max` bytes of it; *truncated (may be NULL) says whether there was more. */
char *read_file_max(const char *path, size_t max, size_t *len, bool *truncated);
int write_file(const char *path, const void *data, size_t len);
int copy_file_sparse(const char *from, const char *to); /* keeps holes; 0 or -1 */
int mkdir_p(const char *path);                          /* 0 or -1 with errno */
int remove_contents(const char *dir, const char *keep); /* rm -rf dir/ * but dir/keep */
bool is_dir(const char *path);
bool is_file(const char *path);
bool dir_is_empty(const char *path);
char *path_join(const char *a, const char *b);
char *absolute_path(const char *path); /* against the current directory; no symlink work */

double now_seconds(void); /* CLOCK_MONOTONIC */

#endif
