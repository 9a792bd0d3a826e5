/* SPDX-License-Identifier: MIT */
/*
 * The vpci-harness command line: the command table (main.c) and the
 * option table (cli_options.c). A new option is one entry in options[]
 * with a bit below; a command takes it by naming the bit in its opts.
 */
#ifndef HARNESS_CLI_H
#define HARNESS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "selector.h"
#include "session.h"

#define PROG	   "vpci-harness"
#define EXIT_ERROR 2

/* Which options a command takes: one bit per entry of options[]. */
enum opt_bits {
	OPT_GUEST = 1u << 0,
	OPT_HIDE = 1u << 1,
	OPT_RO = 1u << 2,
	OPT_TRACE = 1u << 3,
	OPT_SYSFS = 1u << 4,
	OPT_GUEST_SBDF = 1u << 5,
	OPT_SLOT = 1u << 6,
	OPT_ID = 1u << 7,
	OPT_FORCE = 1u << 8,
	OPT_ALLOW_PARTIAL = 1u << 9,
	OPT_INTO = 1u << 10,
	OPT_NO_GUEST_VPCI = 1u << 11,
	OPT_NO_HWDOM_VPCI = 1u << 12,
	OPT_POLICY = 1u << 13,
	OPT_BRIDGE_ONLY = 1u << 14,
	OPT_EMULATE = 1u << 15,
	OPT_VFS = 1u << 16,
	OPT_SCRIPT = 1u << 17,
};

/* The options that shape the host and the guest (the toolstack's). */
#define OPT_TOOLSTACK                                                          \
	(OPT_NO_GUEST_VPCI | OPT_NO_HWDOM_VPCI | OPT_POLICY |                  \
	 OPT_BRIDGE_ONLY | OPT_EMULATE | OPT_VFS)

/* What the options set; commands read it. */
struct cli {
	const struct command *cmd;
	struct session_options sopt;
	const char *sysfs_dir;
	bool force, allow_partial;
	const char *into; /* fdt --into GUEST.dtb */
	const char *script; /* dump/export-sysfs --script FILE */
	char **args; /* positional arguments */
	int nr_args;
};

struct command {
	const char *name;
	int (*run)(struct cli *cli);
	unsigned int opts; /* OPT_* accepted */
	int min_args, max_args;
	const char *args_synopsis; /* "TOPOLOGY [SCRIPT|-]" */
	const char *help;
};

/* "vpci-harness: " + the message, one line on stderr; returns
 * EXIT_ERROR. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse argv (argv[0] is the command name) into cli for cli->cmd.
 * Returns 0, 1 after printing the command's --help, or EXIT_ERROR after
 * one line on stderr naming the option at fault.
 */
int cli_parse_options(struct cli *cli, int argc, char **argv);

/* The command's options, one per line with their help, for --help. */
void cli_print_options(FILE *out, unsigned int opts);
/* "[--guest LIST] [--trace] " for a synopsis line. */
void cli_print_synopsis(FILE *out, unsigned int opts);
/* A command's --help text. */
void cli_command_help(FILE *out, const struct command *cmd);
/* The long names ("--guest --trace"), for shell completion. */
void cli_print_option_names(FILE *out, unsigned int opts);

void cli_free(struct cli *cli);

#endif /* HARNESS_CLI_H */
