/* SPDX-License-Identifier: MIT */
/*
 * vpci-harness: the command line. Subcommand dispatch and option parsing
 * only; the work is in capture_live.c, session.c, script.c and the
 * exporters. Every error is one line on stderr and exit status 2; stdout
 * carries only what a subcommand is specified to print.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture_live.h"
#include "output.h"
#include "script.h"
#include "session.h"

#define PROG	   "vpci-harness"
#define EXIT_ERROR 2

enum opt_bits {
	OPT_GUEST = 1u << 0,
	OPT_HIDE = 1u << 1,
	OPT_RO = 1u << 2,
	OPT_TRACE = 1u << 3,
	OPT_SYSFS = 1u << 4,
};

struct cli {
	const struct command *cmd;
	struct session_options sopt;
	const char *sysfs_dir;
	char **args; /* positional arguments */
	int nr_args;
};

struct command {
	const char *name;
	int (*run)(struct cli *cli);
	unsigned int opts; /* OPT_* accepted */
	int min_args, max_args;
	const char *synopsis;
	const char *help;
};

/* ----------------------------------------------------------- messages */

static int fail(const struct cli *cli, const char *msg)
{
	if (cli && cli->cmd)
		fprintf(stderr, PROG " %s: %s\n", cli->cmd->name, msg);
	else
		fprintf(stderr, PROG ": %s\n", msg);
	return EXIT_ERROR;
}

/* An error message that already names its file or device. */
static int fail_at(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	return EXIT_ERROR;
}

static int finish_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": writing to standard output: %s\n",
			strerror(errno));
		return EXIT_ERROR;
	}
	return 0;
}

/* -------------------------------------------------------- subcommands */

static int run_capture(struct cli *cli)
{
	struct topo_error err = {{0}};
	FILE *progress = isatty(STDERR_FILENO) ? stderr : NULL;

	if (capture_live(cli->sysfs_dir, cli->args[0], &err, progress))
		return fail_at(err.msg);
	return 0;
}

static int open_session(struct cli *cli, struct session *s)
{
	char msg[1024];

	cli->sopt.trace_out = stdout;
	if (session_open(s, cli->args[0], &cli->sopt, msg, sizeof(msg)))
		return fail_at(msg);
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
		if (!in) {
			fprintf(stderr, "%s: %s\n", script, strerror(errno));
			return EXIT_ERROR;
		}
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

static int run_dump(struct cli *cli)
{
	struct session s;
	int rc = open_session(cli, &s);

	if (rc)
		return rc;
	rc = export_lspci(&s, stdout);
	session_close(&s);
	return rc ? fail(cli, "writing the dump failed") : finish_stdout();
}

static int run_export_sysfs(struct cli *cli)
{
	struct session s;
	char msg[1024];
	int rc = open_session(cli, &s);

	if (rc)
		return rc;
	rc = export_sysfs(&s, cli->args[1], msg, sizeof(msg));
	session_close(&s);
	return rc ? fail_at(msg) : 0;
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
	return rc ? fail_at(msg) : finish_stdout();
}
#else
static int run_mount(struct cli *cli)
{
	(void)cli;
	fprintf(stderr, "mount: not built (libfuse3 not available)\n");
	return EXIT_ERROR;
}
#endif

static int run_help(struct cli *cli);

static const struct command commands[] = {
	{"capture", run_capture, OPT_SYSFS, 1, 1, "[--sysfs DIR] OUTDIR",
	 "Copy this machine's /sys/bus/pci (or DIR, a directory shaped like\n"
	 "it) into OUTDIR as a capture: devices/SSSS:BB:DD.F/{config,\n"
	 "resource, vendor, device, class, revision, irq, subsystem_*}.\n"
	 "Run as root for the full 4096-byte config spaces.\n"},
	{"replay", run_replay, OPT_GUEST | OPT_HIDE | OPT_RO | OPT_TRACE, 1, 2,
	 "[--guest SBDF[,SBDF...]] [--hide SBDF] [--ro SBDF] [--trace]\n"
	 "       TOPOLOGY [SCRIPT|-]",
	 "Replay config accesses against TOPOLOGY (a capture directory or an\n"
	 "lspci -xxx/-xxxx dump file) behind vPCI. SCRIPT (default: standard\n"
	 "input; interactive on a terminal) has one access per line:\n"
	 "  r SBDF OFFSET SIZE         prints 0x + 2*SIZE hex digits\n"
	 "  w SBDF OFFSET SIZE VALUE   prints nothing\n"
	 "SBDF is SSSS:BB:DD.F or BB:DD.F (the HOST address); OFFSET and\n"
	 "VALUE are 0x-hex or decimal; SIZE is 1, 2 or 4. '#' starts a\n"
	 "comment. Functions the domain cannot see read all-ones.\n"
	 "  --guest LIST  create a guest (domid 1) with these functions and\n"
	 "                send the accesses to it; without it they come\n"
	 "                from the hardware domain (domid 0)\n"
	 "  --hide SBDF   give a function to the hypervisor: the hardware\n"
	 "                domain still reads it, no guest may have it\n"
	 "  --ro SBDF     hide it and drop the hardware domain's writes\n"
	 "                (no vPCI state at all)\n"
	 "  --trace       print 'map GFN MFN NR' / 'unmap GFN MFN NR' lines\n"
	 "                (4 KiB frames) for the replayed domain, from\n"
	 "                the start (the hardware domain maps its\n"
	 "                decoding BARs when it is created)\n"},
	{"dump", run_dump, OPT_GUEST | OPT_HIDE | OPT_RO, 1, 1,
	 "[--guest SBDF[,SBDF...]] [--hide SBDF] [--ro SBDF] TOPOLOGY",
	 "Print every function the domain sees (with --guest: the guest, at\n"
	 "its virtual SBDFs) in lspci -xxxx format, read through vPCI;\n"
	 "`lspci -F FILE` reads it back.\n"},
	{"export-sysfs", run_export_sysfs, OPT_GUEST | OPT_HIDE | OPT_RO, 2, 2,
	 "[--guest SBDF[,SBDF...]] [--hide SBDF] [--ro SBDF]\n"
	 "       TOPOLOGY OUTDIR",
	 "Write the domain's view as a sysfs-shaped tree under OUTDIR, for\n"
	 "`lspci -A linux-sysfs -O sysfs.path=OUTDIR`. BAR sizes in each\n"
	 "resource file come from sizing the BARs through vPCI.\n"},
	{"stats", run_stats, OPT_HIDE | OPT_RO, 1, 1,
	 "[--hide SBDF] [--ro SBDF] TOPOLOGY",
	 "Summarise TOPOLOGY: functions, BARs by kind and total size,\n"
	 "hidden and read-only counts, overlapping memory BARs, and the\n"
	 "functions a guest could be assigned.\n"},
#ifdef VPCI_HARNESS_FUSE
	{"mount", run_mount, OPT_GUEST | OPT_HIDE | OPT_RO | OPT_TRACE, 2, 2,
	 "[--guest SBDF[,SBDF...]] [--hide SBDF] [--ro SBDF] [--trace]\n"
	 "       TOPOLOGY MOUNTPOINT",
	 "Serve the domain's view live as a FUSE file system shaped like\n"
	 "export-sysfs's tree, for `lspci -A linux-sysfs -O\n"
	 "sysfs.path=MOUNTPOINT` and setpci: reads and writes of each\n"
	 "config file are config accesses by the domain. Runs in the\n"
	 "foreground until unmounted (fusermount3 -u MOUNTPOINT) or\n"
	 "interrupted. Options as for replay; --trace prints map/unmap\n"
	 "lines as the domain's writes cause them.\n"},
#else
	{"mount", run_mount, 0, 0, 100, "TOPOLOGY MOUNTPOINT",
	 "Serve the domain's view as a FUSE file system. Not built: this\n"
	 "build has no libfuse3.\n"},
#endif
	{"help", run_help, 0, 0, 1, "[COMMAND]",
	 "Show the commands, or one command's options.\n"},
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
		fprintf(out, "  %s %s\n", commands[i].name,
			commands[i].synopsis);
	fprintf(out, "\n'" PROG " COMMAND --help' describes one command. "
		     "Errors exit with status 2.\n");
}

static void command_help(const struct command *cmd)
{
	printf("usage: " PROG " %s %s\n\n%s", cmd->name, cmd->synopsis,
	       cmd->help);
}

static int run_help(struct cli *cli)
{
	const struct command *cmd;

	if (cli->nr_args == 0) {
		usage(stdout);
		return 0;
	}
	cmd = find_command(cli->args[0]);
	if (!cmd) {
		fprintf(stderr, PROG ": no command '%s'\n", cli->args[0]);
		return EXIT_ERROR;
	}
	command_help(cmd);
	return 0;
}

/* ------------------------------------------------------------ options */

static const struct option long_options[] = {
	{"guest", required_argument, NULL, 'g'},
	{"hide", required_argument, NULL, 'H'},
	{"ro", required_argument, NULL, 'R'},
	{"trace", no_argument, NULL, 't'},
	{"sysfs", required_argument, NULL, 's'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static unsigned int option_bit(int c)
{
	switch (c) {
	case 'g':
		return OPT_GUEST;
	case 'H':
		return OPT_HIDE;
	case 'R':
		return OPT_RO;
	case 't':
		return OPT_TRACE;
	case 's':
		return OPT_SYSFS;
	default:
		return 0;
	}
}

static int add_sbdfs(struct cli *cli, struct sbdf_list *list,
		     const char *option, const char *arg, bool many)
{
	char msg[512], line[600];

	if (!many && strchr(arg, ',')) {
		snprintf(line, sizeof(line),
			 "%s takes one SBDF (repeat the option for more)",
			 option);
		return fail(cli, line);
	}
	if (sbdf_list_parse(list, arg, msg, sizeof(msg))) {
		snprintf(line, sizeof(line), "%s %s", option, msg);
		return fail(cli, line);
	}
	return 0;
}

/* Parse argv (argv[0] is the command name). Returns 0, 1 after --help,
 * or EXIT_ERROR. */
static int parse_options(struct cli *cli, int argc, char **argv)
{
	char msg[256];
	int c, rc = 0;

	opterr = 0;
	optind = 1;
	while (!rc &&
	       (c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
		if (c == 'h') {
			command_help(cli->cmd);
			return 1;
		}
		if (c == '?' || c == ':') {
			snprintf(msg, sizeof(msg),
				 "%s option '%s' (see " PROG " %s --help)",
				 c == '?' ? "unknown" : "missing argument for",
				 argv[optind - 1], cli->cmd->name);
			return fail(cli, msg);
		}
		if (!(option_bit(c) & cli->cmd->opts)) {
			snprintf(msg, sizeof(msg),
				 "option '%s' does not apply (see " PROG
				 " %s --help)",
				 argv[optind - 1], cli->cmd->name);
			return fail(cli, msg);
		}
		switch (c) {
		case 'g':
			rc = add_sbdfs(cli, &cli->sopt.guest, "--guest", optarg,
				       true);
			break;
		case 'H':
			rc = add_sbdfs(cli, &cli->sopt.hide, "--hide", optarg,
				       false);
			break;
		case 'R':
			rc = add_sbdfs(cli, &cli->sopt.ro, "--ro", optarg,
				       false);
			break;
		case 't':
			cli->sopt.trace = true;
			break;
		case 's':
			cli->sysfs_dir = optarg;
			break;
		}
	}
	if (rc)
		return rc;
	cli->args = argv + optind;
	cli->nr_args = argc - optind;
	if (cli->nr_args < cli->cmd->min_args ||
	    cli->nr_args > cli->cmd->max_args) {
		snprintf(msg, sizeof(msg),
			 "%s arguments (see " PROG " %s --help)",
			 cli->nr_args < cli->cmd->min_args ? "missing"
							   : "too many",
			 cli->cmd->name);
		return fail(cli, msg);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli;
	int rc;

	memset(&cli, 0, sizeof(cli));
	if (argc < 2)
		return fail(NULL, "no command given (see " PROG " --help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	cli.cmd = find_command(argv[1]);
	if (!cli.cmd) {
		fprintf(stderr,
			PROG ": unknown command '%s' (see " PROG " --help)\n",
			argv[1]);
		return EXIT_ERROR;
	}
#ifndef VPCI_HARNESS_FUSE
	if (cli.cmd->run == run_mount) {
		/* Not built: nothing to parse, but --help still answers. */
		for (rc = 2; rc < argc; rc++)
			if (!strcmp(argv[rc], "--help") ||
			    !strcmp(argv[rc], "-h")) {
				command_help(cli.cmd);
				return 0;
			}
		return run_mount(&cli);
	}
#endif
	rc = parse_options(&cli, argc - 1, argv + 1);
	if (rc == 0)
		rc = cli.cmd->run(&cli);
	else if (rc == 1)
		rc = 0;
	sbdf_list_free(&cli.sopt.guest);
	sbdf_list_free(&cli.sopt.hide);
	sbdf_list_free(&cli.sopt.ro);
	return rc;
}
