/* SPDX-License-Identifier: MIT */
/*
 * vpci-harness: the command line. Subcommand dispatch and option parsing
 * only; the work is in capture_live.c, session.c, script.c and the
 * exporters. Every error is one line on stderr and exit status 2; stdout
 * carries only what a subcommand is specified to print.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture_live.h"
#include "cli.h"
#include "cmd_fdt.h"
#include "export_lspci.h"
#include "export_sysfs.h"
#include "mount_fuse.h"
#include "stats.h"
#include "reg_names.h"
#include "script.h"
#include "session.h"

#ifndef VPCI_HARNESS_VERSION
#define VPCI_HARNESS_VERSION "unknown"
#endif

/* ----------------------------------------------------------- messages */

#define fail cli_fail

static int finish_stdout(void)
{
	if (fflush(stdout) || ferror(stdout))
		return fail("writing to standard output: %s", strerror(errno));
	return 0;
}

/* -------------------------------------------------------- subcommands */

static int run_capture(struct cli *cli)
{
	struct topo_error err = {{0}};
	struct capture_options opt = {
		.sysfs_dir = cli->sysfs_dir,
		.force = cli->force,
		.allow_partial = cli->allow_partial,
		/* Progress and the summary only on a terminal. */
		.progress = isatty(STDERR_FILENO) ? stderr : NULL,
	};

	if (capture_run(&opt, cli->args[0], &err))
		return fail("%s", err.msg);
	return 0;
}

static int open_session(struct cli *cli, struct session *s)
{
	char msg[1024];

	cli->sopt.trace_out = stdout;
	if (session_open(s, cli->args[0], &cli->sopt, msg, sizeof(msg)))
		return fail("%s", msg);
	return 0;
}

static int run_replay(struct cli *cli)
{
	const char *script = cli->nr_args > 1 ? cli->args[1] : "-";
	bool from_stdin = strcmp(script, "-") == 0;
	struct session s;
	FILE *in = stdin;
	int rc;

	if (!from_stdin) {
		in = fopen(script, "r");
		if (!in)
			return fail("%s: %s", script, strerror(errno));
	}
	rc = open_session(cli, &s);
	if (!rc) {
		rc = script_run(&s, in, from_stdin ? "<stdin>" : script, stdout,
				from_stdin && isatty(STDIN_FILENO))
			     ? EXIT_ERROR
			     : 0;
		session_close(&s);
	}
	if (!from_stdin)
		fclose(in);
	return rc ? rc : finish_stdout();
}

/* --script FILE: replay it before showing the view; its own output
 * (read values, emulator completions) goes to stderr, so stdout stays
 * the dump or nothing. Closes the session when it fails. */
static int run_script_first(struct cli *cli, struct session *s)
{
	bool from_stdin;
	FILE *in;
	int rc;

	if (!cli->script)
		return 0;
	from_stdin = strcmp(cli->script, "-") == 0;
	in = from_stdin ? stdin : fopen(cli->script, "r");
	if (!in) {
		session_close(s);
		return fail("%s: %s", cli->script, strerror(errno));
	}
	rc = script_run(s, in, from_stdin ? "<stdin>" : cli->script, stderr,
			false);
	if (!from_stdin)
		fclose(in);
	if (rc) {
		session_close(s);
		return EXIT_ERROR;
	}
	return 0;
}

static int run_dump(struct cli *cli)
{
	struct session s;
	int rc = open_session(cli, &s);

	if (rc || (rc = run_script_first(cli, &s)))
		return rc;
	rc = export_lspci(&s, stdout);
	session_close(&s);
	return rc ? fail("writing the dump failed") : finish_stdout();
}

static int run_export_sysfs(struct cli *cli)
{
	struct session s;
	char msg[1024];
	int rc = open_session(cli, &s);

	if (rc || (rc = run_script_first(cli, &s)))
		return rc;
	rc = export_sysfs(&s, cli->args[1], msg, sizeof(msg));
	session_close(&s);
	return rc ? fail("%s", msg) : 0;
}

static int run_stats(struct cli *cli)
{
	struct session s;
	int rc = open_session(cli, &s);

	if (rc)
		return rc;
	stats_print(&s, stdout);
	session_close(&s);
	return finish_stdout();
}

#ifdef VPCI_HARNESS_FUSE
static int run_mount(struct cli *cli)
{
	struct session s;
	char msg[1024];
	int rc;

	/* Trace lines are read while the mount lives: one write per line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = open_session(cli, &s);
	if (rc)
		return rc;
	rc = mount_fuse(&s, cli->args[1], msg, sizeof(msg));
	session_close(&s);
	return rc ? fail("%s", msg) : finish_stdout();
}
#else
static int run_mount(struct cli *cli)
{
	(void)cli;
	return fail("mount: not built (libfuse3 not available)");
}
#endif

#ifdef VPCI_HARNESS_FDT
static int run_fdt(struct cli *cli)
{
	return cmd_fdt(&cli->sopt, cli->args[0], cli->args[1], cli->into);
}

static int run_boot(struct cli *cli)
{
	return cmd_boot(&cli->sopt, cli->args[0], cli->args[1]);
}
#else
static int run_fdt(struct cli *cli)
{
	return fail("%s: not built (libfdt not available)", cli->cmd->name);
}
#define run_boot run_fdt
#endif

static int run_help(struct cli *cli);
static int run_complete(struct cli *cli);

#define VIEW_OPTS  (OPT_GUEST | OPT_HIDE | OPT_RO | OPT_TOOLSTACK)
#define MOUNT_OPTS (VIEW_OPTS | OPT_TRACE | OPT_SLOT | OPT_ID)

static const struct command commands[] = {
	{"capture", run_capture, OPT_SYSFS | OPT_FORCE | OPT_ALLOW_PARTIAL, 1,
	 1, "OUTDIR",
	 "Copy this machine's /sys/bus/pci (or DIR, a directory shaped like\n"
	 "it) into OUTDIR as a capture: devices/SSSS:BB:DD.F/{config,\n"
	 "resource, vendor, device, class, revision, irq, subsystem_*,\n"
	 "driver, iommu_group, numa_node, sriov_*, virtfn*, physfn}.\n"
	 "Functions come from libpciaccess, their details from sysfs.\n"
	 "Without the privileges to read whole config spaces (root) it says\n"
	 "so and exits 2 unless --allow-partial.\n"},
	{"replay", run_replay, VIEW_OPTS | OPT_TRACE | OPT_GUEST_SBDF, 1, 2,
	 "TOPOLOGY [SCRIPT|-]",
	 "Replay config accesses against TOPOLOGY (a capture directory or an\n"
	 "lspci -xxx/-xxxx dump file) behind vPCI, as the hardware domain\n"
	 "or (--guest) a guest. SCRIPT (default: standard input;\n"
	 "interactive on a terminal) has one line per access, numbers in\n"
	 "hex (0x optional):\n"
	 "  r SBDF OFFSET SIZE          prints 0x + 2*SIZE hex digits\n"
	 "  w SBDF OFFSET SIZE VALUE    prints nothing\n"
	 "  SBDF REG[+OFF][.B|.W|.L][@N][=VALUE[:MASK][,...]] ...\n"
	 "                              setpci's syntax and register names\n"
	 "                              (COMMAND, CAP_MSIX+2.W, "
	 "ECAP_REBAR+8.L);\n"
	 "                              reads print as setpci does\n"
	 "SBDF is SSSS:BB:DD.F or BB:DD.F, the host's address (the guest's\n"
	 "with --guest-sbdf); SIZE is 1, 2 or 4. '#' starts a comment.\n"
	 "Functions the domain cannot see read all-ones.\n"},
	{"dump", run_dump, VIEW_OPTS | OPT_SLOT | OPT_ID | OPT_SCRIPT, 1, 1,
	 "TOPOLOGY",
	 "Print every function the domain sees (with --guest: the guest, at\n"
	 "its virtual SBDFs) in lspci -xxxx format, read through vPCI;\n"
	 "`lspci -F FILE` reads it back.\n"},
	{"export-sysfs", run_export_sysfs,
	 VIEW_OPTS | OPT_SLOT | OPT_ID | OPT_SCRIPT, 2, 2,
	 "TOPOLOGY OUTDIR",
	 "Write the domain's view as a sysfs-shaped tree under OUTDIR, for\n"
	 "`lspci -A linux-sysfs -O sysfs.path=OUTDIR`. BAR sizes in each\n"
	 "resource file come from sizing the BARs through vPCI.\n"},
	{"stats", run_stats, OPT_HIDE | OPT_RO | OPT_SLOT | OPT_ID | OPT_VFS, 1,
	 1,
	 "TOPOLOGY",
	 "Summarise TOPOLOGY: functions, BARs by kind and total size,\n"
	 "hidden and read-only counts, overlapping memory BARs, what the\n"
	 "capture recorded (drivers, IOMMU groups, NUMA nodes, SR-IOV) and\n"
	 "the functions a guest could be assigned.\n"},
	{"mount", run_mount, MOUNT_OPTS, 2, 2, "TOPOLOGY MOUNTPOINT",
#ifdef VPCI_HARNESS_FUSE
	 "Serve the domain's view live as a FUSE file system shaped like\n"
	 "export-sysfs's tree, for `lspci -A linux-sysfs -O\n"
	 "sysfs.path=MOUNTPOINT` and setpci: reads and writes of each\n"
	 "config file are config accesses by the domain. Runs in the\n"
	 "foreground until unmounted (fusermount3 -u MOUNTPOINT) or\n"
	 "interrupted. --trace prints map/unmap lines as the domain's\n"
	 "writes cause them.\n"
#else
	 "Serve the domain's view as a FUSE file system. Not built: this\n"
	 "build has no libfuse3.\n"
#endif
	},
	{"fdt", run_fdt, VIEW_OPTS | OPT_INTO, 2, 2, "TOPOLOGY OUT.dtb",
	 "Write the guest's PCI host bridge node (pci-host-ecam-generic) as\n"
	 "a device tree blob: ECAM window, bus-range, and ranges holding\n"
	 "every BAR the guest sizes through vPCI. With --into, a copy of\n"
	 "GUEST.dtb with the node added or replaced, its other nodes kept,\n"
	 "and INTx/MSI routed to its interrupt and MSI controllers.\n"},
	{"boot", run_boot, OPT_HIDE | OPT_RO, 2, 2, "TOPOLOGY CONFIG.dtb",
	 "Create the domains a dom0less-style boot tree describes (/chosen\n"
	 "xen,domain nodes, docs/bindings/vpci-domain.md) and print each\n"
	 "one's devices (host -> guest SBDF), ECAM window and xen,enhanced\n"
	 "features. A bad configuration is one line naming the node, the\n"
	 "property and the value.\n"},
	{"help", run_help, 0, 0, 1, "[COMMAND]",
	 "Show the commands, or one command's options.\n"},
	/* Word lists for the bash completion script; not listed. */
	{"complete", run_complete, 0, 0, 1, "[COMMAND|registers|script]",
	 NULL},
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: " PROG " COMMAND [options] ARGS\n\ncommands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		if (commands[i].help)
			fprintf(out, "  %-13s %s%s\n", commands[i].name,
				commands[i].opts ? "[options] " : "",
				commands[i].args_synopsis);
	fprintf(out, "\n'" PROG " COMMAND --help' describes one command, "
		     "'" PROG " --version' the\nversion; 'man " PROG
		     "' has it all. Errors exit with status 2.\n");
}

static int run_help(struct cli *cli)
{
	const struct command *cmd;

	if (cli->nr_args == 0) {
		usage(stdout);
		return 0;
	}
	cmd = find_command(cli->args[0]);
	if (!cmd)
		return fail("no command '%s'", cli->args[0]);
	cli_command_help(stdout, cmd);
	return 0;
}

/* ------------------------------------------------------------- main */

/* `vpci-harness complete [COMMAND]`: words for the bash completion. */
static int run_complete(struct cli *cli)
{
	size_t i;

	if (cli->nr_args == 0) {
		for (i = 0; i < NR_COMMANDS; i++)
			if (commands[i].help)
				printf("%s ", commands[i].name);
		printf("--help --version\n");
		return 0;
	}
	if (!strcmp(cli->args[0], "registers")) {
		reg_names_print(stdout);
		return 0;
	}
	if (!strcmp(cli->args[0], "script")) {
		script_print_keywords(stdout);
		return 0;
	}
	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, cli->args[0]))
			cli_print_option_names(stdout, commands[i].opts);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli;
	int rc;

	memset(&cli, 0, sizeof(cli));
	if (argc < 2)
		return fail("no command given (see " PROG " --help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf(PROG " " VPCI_HARNESS_VERSION "\n");
		return finish_stdout();
	}
	cli.cmd = find_command(argv[1]);
	if (!cli.cmd)
		return fail("unknown command '%s' (see " PROG " --help)",
			    argv[1]);
	rc = cli_parse_options(&cli, argc - 1, argv + 1);
	if (rc == 0)
		rc = cli.cmd->run(&cli);
	else if (rc == 1)
		rc = finish_stdout();
	cli_free(&cli);
	return rc;
}
