/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/commands.h — the subcommands of `redeliver`. Each takes argv with argv[0] = the
 * subcommand's name ("run", "decode", ...) and returns the process exit status:
 * 0 success, 1 something unexpected was found, 2 usage error. */
#ifndef RUNNER_COMMANDS_H
#define RUNNER_COMMANDS_H

int cmd_run(int argc, char **argv);       /* runner/cmd_run.c */
int cmd_list(int argc, char **argv);      /* runner/cmd_list.c */
int cmd_merge(int argc, char **argv);     /* runner/cmd_merge.c */
int cmd_fuzz(int argc, char **argv);      /* runner/cmd_fuzz.c */
int cmd_decode(int argc, char **argv);    /* runner/cmd_decode.c (core engineer) */
int cmd_explain(int argc, char **argv);   /* runner/cmd_explain.c (core engineer) */
int cmd_version(int argc, char **argv);   /* runner/version.c */
int cmd_run_image(int argc, char **argv); /* runner/cmd_run_image.c (docs/foreign-guests.md) */
int cmd_judge(int argc, char **argv);     /* runner/cmd_judge.c */

#endif
