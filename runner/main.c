/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/main.c — `redeliver`: dispatch to the subcommands (runner/commands.h). */
#include <stdio.h>
#include <string.h>

#include "runner/commands.h"
#include "runner/suggest.h"
#include "runner/util.h"

static const char usage[] =
    "usage: redeliver <command> [options]\n"
    "\n"
    "Measure how a VMX hypervisor should handle the IDT-vectoring information field: tiny\n"
    "guest kernels run bare on an emulated CPU and under the lab hypervisor with a chosen\n"
    "re-delivery policy; every difference the guest observes is a defect of the policy.\n"
    "\n"
    "commands:\n"
    "  run       run the conformance matrix and print the verdict table\n"
    "  run-image run a Multiboot kernel bare and under hv/, compare (docs/foreign-guests.md)\n"
    "  list      list scenarios, policies and CPU models (same as run --list)\n"
    "  merge     join the results of several runs (run --shard K/N) into one report\n"
    "  fuzz      generated scenarios from a seed, judged as the matrix; reduce divergences\n"
    "  decode    decode a VMCS event field: decode idtv 0x80000b0e\n"
    "  explain   what each policy does with an IDT-vectoring event\n"
    "  judge     the verdict of consoles captured elsewhere (hardware, another hypervisor)\n"
    "  version   the version and core/'s policy count (also --version)\n"
    "  help      this text, or `help <command>`\n"
    "\n"
    "`redeliver <command> --help` describes each command. docs/runner.md has more.\n";

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
};

/* clang-format off */
static const struct command commands[] = {
    {"run", cmd_run},
    {"run-image", cmd_run_image},
    {"list", cmd_list},
    {"decode", cmd_decode},
    {"explain", cmd_explain},
    {"merge", cmd_merge},
    {"fuzz", cmd_fuzz},
    {"version", cmd_version},
    {"judge", cmd_judge},
};
/* clang-format on */

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int help(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    const struct command *c = find(argv[1]);
    if (!c) {
        fprintf(stderr, "redeliver: no command '%s'\n%s", argv[1], usage);
        return 2;
    }
    char help_opt[] = "--help";
    char *args[] = {argv[1], help_opt, NULL};
    return c->fn(2, args);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return help(argc - 1, argv + 1);
    if (strcmp(name, "--version") == 0)
        name = "version";
    const struct command *c = find(name);
    if (!c) {
        struct suggest sg;
        suggest_init(&sg, name);
        for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
            suggest_offer(&sg, commands[i].name);
        suggest_offer(&sg, "help");
        fprintf(stderr, "redeliver: unknown command '%s'%s%s%s\n\n%s", name,
                sg.best ? " (did you mean '" : "", sg.best ? sg.best : "", sg.best ? "'?)" : "",
                usage);
        return 2;
    }
    return c->fn(argc - 1, argv + 1);
}
