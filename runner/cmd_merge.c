/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cmd_merge.c — `redeliver merge --results OUT DIR...`: join the results directories
 * of several runs of one catalogue (the shards of `run --shard K/N`) into one report in OUT,
 * written by the report writers of `run`; the run directories are hard-linked (copied across
 * file systems) into OUT, so OUT stands alone. Exit status as a run of the whole: 0, 1, or 2
 * for bad input (runner/merge.h has the rules). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/commands.h"
#include "runner/merge.h"
#include "runner/report.h"
#include "runner/results.h"
#include "runner/session.h"
#include "runner/util.h"

static const char usage[] =
    "usage: redeliver merge --results OUT [--catalogue FILE] DIR...\n"
    "\n"
    "Join the results directories of several runs of one catalogue — typically the shards\n"
    "of `redeliver run --shard K/N` — into one report in OUT: table.txt (also printed),\n"
    "summary.json, results.tap, results.xml, results.html with its cell pages (cells/),\n"
    "and the run directories\n"
    "(hard-linked, or copied across file systems, so OUT stands alone).\n"
    "\n"
    "  --results OUT   where the merged report goes (emptied first if redeliver made it)\n"
    "  --catalogue F   the catalogue the runs used (default tests/scenarios.cfg); every\n"
    "                  input's summary.json must name its fingerprint\n"
    "  --help, -h      this text\n"
    "\n"
    "Refused (exit status 2): a DIR without summary.json, or one that does not parse or\n"
    "lacks fields; a run in two inputs; runs of another catalogue; a missing shard; inputs\n"
    "that do not together fill their grid (scenarios x cpus x (bare + policies)).\n"
    "Exit status: 0 every verdict as expected, 1 some unexpected, 2 bad input.\n";

struct merge_opts {
    const char *results, *catalogue;
    char **dirs;
    size_t n_dirs;
    bool help;
};

static int parse(struct merge_opts *o, int argc, char **argv)
{
    o->dirs = xcalloc((size_t)argc + 1, sizeof(*o->dirs));
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **field = strcmp(a, "--results") == 0     ? &o->results
                             : strcmp(a, "--catalogue") == 0 ? &o->catalogue
                                                             : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->help = true;
        } else if (field && (i + 1 >= argc || !*argv[i + 1])) {
            fprintf(stderr, "redeliver merge: %s needs a value (see redeliver merge --help)\n", a);
            return 2;
        } else if (field) {
            *field = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "redeliver merge: unknown option '%s' (see redeliver merge --help)\n",
                    a);
            return 2;
        } else {
            o->dirs[o->n_dirs++] = argv[i];
        }
    }
    if (o->help)
        return 0;
    if (!o->results || o->n_dirs == 0) {
        fprintf(stderr, "redeliver merge: %s (see redeliver merge --help)\n",
                !o->results ? "--results OUT is required" : "no results directory to merge");
        return 2;
    }
    return 0;
}

/* OUT is emptied: it must be none of the inputs, nor hold one. */
static int check_out(const struct merge_opts *o)
{
    char out[PATH_MAX], in[PATH_MAX];
    if (!realpath(o->results, out))
        return 0; /* does not exist yet: holds nothing */
    size_t n = strlen(out);
    for (size_t i = 0; i < o->n_dirs; i++)
        if (realpath(o->dirs[i], in) && strncmp(in, out, n) == 0 &&
            (in[n] == 0 || in[n] == '/' || n == 1)) {
            fprintf(stderr,
                    "redeliver merge: --results %s would be emptied but holds the input %s: "
                    "give another directory\n",
                    o->results, o->dirs[i]);
            return 2;
        }
    return 0;
}

/* Hard-link (else copy) the regular files of `from` into `to`, recursively; symbolic links
 * and other special files are not followed. 0, or -1 with *err. */
static int link_tree(const char *from, const char *to, char **err)
{
    DIR *d = opendir(from);
    if (!d || mkdir_p(to) != 0) {
        *err = xasprintf("%s: %s", d ? to : from, strerror(errno));
        if (d)
            closedir(d);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *src = path_join(from, e->d_name), *dst = path_join(to, e->d_name);
        struct stat st;
        if (lstat(src, &st) != 0)
            rc = -1;
        else if (S_ISDIR(st.st_mode))
            rc = link_tree(src, dst, err);
        else if (S_ISREG(st.st_mode) && link(src, dst) != 0 && copy_file_sparse(src, dst) != 0)
            rc = -1;
        if (rc != 0 && !*err)
            *err = xasprintf("%s -> %s: %s", src, dst, strerror(errno));
        free(src);
        free(dst);
    }
    closedir(d);
    return rc;
}

/* Every run directory of the inputs into OUT, at the place the report names. */
static int link_runs(const struct merge *mg, const struct merge_opts *o)
{
    size_t skip = strlen(o->results);
    skip += o->results[skip - 1] == '/' ? 0 : 1;
    for (size_t i = 0; i < mg->m.n_runs; i++) {
        const struct run *r = &mg->m.runs[i];
        if (r->na)
            continue;
        char *src = path_join(o->dirs[mg->source[i]], r->dir + skip), *err = NULL;
        int rc = 0;
        if (!is_dir(src))
            fprintf(stderr,
                    "redeliver merge: warning: %s is missing: the report names %s, which "
                    "stays empty\n",
                    src, r->dir);
        else
            rc = link_tree(src, r->dir, &err);
        free(src);
        if (rc != 0) {
            fprintf(stderr, "redeliver merge: %s\n", err);
            free(err);
            return 2;
        }
    }
    return 0;
}

static int merge(const struct merge_opts *o)
{
    char *cat_path = catalogue_path(o->catalogue), *err = NULL, *hash = NULL;
    struct catalogue cat = {0};
    struct merge mg = {0};
    int rc = 2, lock = -1;
    if (catalogue_load(&cat, cat_path, &err) != 0)
        goto out;
    hash = catalogue_fingerprint(cat_path);
    if (check_out(o) != 0)
        goto out;
    if (merge_load(&mg, &cat, hash, o->dirs, o->n_dirs, o->results, &err) != 0)
        goto out;
    lock = results_open(o->results, &err);
    if (lock < 0 || link_runs(&mg, o) != 0)
        goto out;
    struct report_info info = {.results = o->results,
                               .fault = mg.fault,
                               .profile = mg.profile,
                               .timeout = mg.timeout,
                               .jobs = mg.jobs,
                               .catalogue_hash = hash,
                               .merged_from = (const char *const *)o->dirs,
                               .n_merged = o->n_dirs};
    rc = report_write(&mg.m, &info);
out:
    if (err)
        fprintf(stderr, "redeliver merge: %s\n", err);
    if (lock >= 0)
        close(lock);
    free(err);
    free(hash);
    merge_free(&mg);
    catalogue_free(&cat);
    free(cat_path);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    struct merge_opts o = {0};
    int rc = parse(&o, argc, argv);
    if (rc == 0 && o.help)
        fputs(usage, stdout);
    else if (rc == 0)
        rc = merge(&o);
    free(o.dirs);
    return rc;
}
