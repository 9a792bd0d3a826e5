/* SPDX-License-Identifier: MIT */
/*
 * The option table of vpci-harness and its parser (see cli.h). Each
 * option is data: its names, its argument, which bit commands name to
 * take it, the function that applies it and its help line. getopt's
 * table, --help text, wrong-option messages and the completion word
 * lists all come from here, so they cannot disagree.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "guest_list.h"
#include "session_sriov.h"

struct option_spec {
	const char *name; /* long name, without "--" */
	char short_name;  /* 0: none */
	const char *arg;  /* the argument's name; NULL: takes none */
	unsigned int bit; /* OPT_* */
	int (*apply)(struct cli *cli, const struct option_spec *spec,
		     const char *arg);
	const char *help;
};

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERROR;
}

/* --------------------------------------------------------- appliers */

static int add_sbdfs(struct sbdf_list *list, const struct option_spec *spec,
		     const char *arg, bool many, bool guest)
{
	char msg[512];

	if (!many && strchr(arg, ','))
		return cli_fail("--%s takes one SBDF (repeat the option for "
				"more)",
				spec->name);
	if ((guest ? guest_list_parse(list, arg, msg, sizeof(msg))
		   : sbdf_list_parse(list, arg, msg, sizeof(msg))))
		return cli_fail("--%s %s", spec->name, msg);
	return 0;
}

static int apply_guest(struct cli *cli, const struct option_spec *spec,
		       const char *arg)
{
	return add_sbdfs(&cli->sopt.guest, spec, arg, true, true);
}

static int apply_hide(struct cli *cli, const struct option_spec *spec,
		      const char *arg)
{
	return add_sbdfs(&cli->sopt.hide, spec, arg, false, false);
}

static int apply_ro(struct cli *cli, const struct option_spec *spec,
		    const char *arg)
{
	return add_sbdfs(&cli->sopt.ro, spec, arg, false, false);
}

static int apply_trace(struct cli *cli, const struct option_spec *spec,
		       const char *arg)
{
	(void)spec;
	(void)arg;
	cli->sopt.trace = true;
	return 0;
}

static int apply_guest_sbdf(struct cli *cli, const struct option_spec *spec,
			    const char *arg)
{
	(void)spec;
	(void)arg;
	cli->sopt.guest_sbdf = true;
	return 0;
}

static int apply_sysfs(struct cli *cli, const struct option_spec *spec,
		       const char *arg)
{
	(void)spec;
	cli->sysfs_dir = arg;
	return 0;
}

static int apply_slot(struct cli *cli, const struct option_spec *spec,
		      const char *arg)
{
	char msg[256];

	if (selector_parse_slot(&cli->sopt.select, arg, msg, sizeof(msg)))
		return cli_fail("-%c %s: %s", spec->short_name, arg, msg);
	return 0;
}

static int apply_id(struct cli *cli, const struct option_spec *spec,
		    const char *arg)
{
	char msg[256];

	if (selector_parse_id(&cli->sopt.select, arg, msg, sizeof(msg)))
		return cli_fail("-%c %s: %s", spec->short_name, arg, msg);
	return 0;
}

static int apply_force(struct cli *cli, const struct option_spec *spec,
		       const char *arg)
{
	(void)spec;
	(void)arg;
	cli->force = true;
	return 0;
}

static int apply_allow_partial(struct cli *cli, const struct option_spec *spec,
			       const char *arg)
{
	(void)spec;
	(void)arg;
	cli->allow_partial = true;
	return 0;
}

static int apply_into(struct cli *cli, const struct option_spec *spec,
		      const char *arg)
{
	(void)spec;
	cli->into = arg;
	return 0;
}

static int apply_script(struct cli *cli, const struct option_spec *spec,
			const char *arg)
{
	(void)spec;
	cli->script = arg;
	return 0;
}

static int apply_no_guest_vpci(struct cli *cli, const struct option_spec *spec,
			       const char *arg)
{
	(void)spec;
	(void)arg;
	cli->sopt.host_limits |= VPCI_HOST_NO_GUEST_VPCI;
	return 0;
}

static int apply_no_hwdom_vpci(struct cli *cli, const struct option_spec *spec,
			       const char *arg)
{
	(void)spec;
	(void)arg;
	cli->sopt.host_limits |= VPCI_HOST_NO_HWDOM_VPCI;
	return 0;
}

static int apply_policy(struct cli *cli, const struct option_spec *spec,
			const char *arg)
{
	if (!strcmp(arg, "hide-slot"))
		cli->sopt.policy = VPCI_POLICY_HIDE_SLOT;
	else if (!strcmp(arg, "stub-fn0"))
		cli->sopt.policy = VPCI_POLICY_STUB_FN0;
	else
		return cli_fail("--%s takes hide-slot or stub-fn0, not '%s'",
				spec->name, arg);
	return 0;
}

static int apply_bridge_only(struct cli *cli, const struct option_spec *spec,
			     const char *arg)
{
	(void)spec;
	(void)arg;
	cli->sopt.bridge_only = true;
	return 0;
}

static int apply_emulate(struct cli *cli, const struct option_spec *spec,
			 const char *arg)
{
	char msg[1024];

	(void)spec;
	if (emulate_add(&cli->sopt.emulate, arg, msg, sizeof(msg)))
		return cli_fail("%s", msg);
	return 0;
}

static int apply_vfs(struct cli *cli, const struct option_spec *spec,
		     const char *arg)
{
	char msg[512];

	if (session_vfs_parse(&cli->sopt.vfs, &cli->sopt.nr_vfs, arg, msg,
			      sizeof(msg)))
		return cli_fail("--%s %s", spec->name, msg);
	return 0;
}

/* ------------------------------------------------------------- table */

static const struct option_spec options[] = {
	{"guest", 0, "LIST", OPT_GUEST, apply_guest,
	 "create a guest (domid 1) given these functions and make it the\n"
	 "domain that is replayed; LIST is comma-separated SBDFs, whole\n"
	 "slots (BB:DD gives every function of it) and HOST@GUEST to\n"
	 "place a slot or function at guest slot GUEST ([[SSSS:]BB:]DD,\n"
	 "as xl's vslot); repeatable"},
	{"guest-sbdf", 0, NULL, OPT_GUEST_SBDF, apply_guest_sbdf,
	 "the script names functions by their guest SBDFs (the addresses\n"
	 "the guest sees), not their host SBDFs; needs --guest"},
	{"hide", 0, "SBDF", OPT_HIDE, apply_hide,
	 "give a function to the hypervisor: the hardware domain still\n"
	 "reads it, no guest may have it; repeatable"},
	{"ro", 0, "SBDF", OPT_RO, apply_ro,
	 "hide it and drop the hardware domain's writes (no vPCI state at\n"
	 "all); repeatable"},
	{"trace", 0, NULL, OPT_TRACE, apply_trace,
	 "print 'map GFN MFN NR' / 'unmap GFN MFN NR' lines (4 KiB frames)\n"
	 "for the replayed domain, from the start"},
	{"slot", 's', "[[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]]", OPT_SLOT,
	 apply_slot,
	 "only the functions at these addresses (as lspci -s; hex, empty\n"
	 "or * fields match anything); the domain's addresses, except for\n"
	 "stats, which describes the host"},
	{"device", 'd', "[VENDOR]:[DEVICE][:CLASS[:PROG_IF]]", OPT_ID, apply_id,
	 "only the functions with these IDs (as lspci -d; hex; x in CLASS\n"
	 "matches any digit)"},
	{"sysfs", 0, "DIR", OPT_SYSFS, apply_sysfs,
	 "copy DIR (shaped like /sys/bus/pci) instead of this machine"},
	{"force", 0, NULL, OPT_FORCE, apply_force,
	 "write into OUTDIR even when it is not empty"},
	{"allow-partial", 0, NULL, OPT_ALLOW_PARTIAL, apply_allow_partial,
	 "exit 0 even when some config spaces could not be read in full\n"
	 "(not root); the shortfall is still reported"},
	{"into", 0, "GUEST.dtb", OPT_INTO, apply_into,
	 "write a copy of the guest's tree GUEST.dtb with the node added\n"
	 "or replaced, instead of a tree of its own"},
	{"no-guest-vpci", 0, NULL, OPT_NO_GUEST_VPCI, apply_no_guest_vpci,
	 "the host offers no vPCI to guests (x86-like): --guest is refused\n"
	 "with the reason; emulators still work"},
	{"no-hwdom-vpci", 0, NULL, OPT_NO_HWDOM_VPCI, apply_no_hwdom_vpci,
	 "the host offers no vPCI to the hardware domain: it sees raw\n"
	 "hardware"},
	{"policy", 0, "hide-slot|stub-fn0", OPT_POLICY, apply_policy,
	 "what a hidden function does to its slot: the whole slot\n"
	 "disappears, or a stub stands in for a hidden function 0"},
	{"bridge-only", 0, NULL, OPT_BRIDGE_ONLY, apply_bridge_only,
	 "create the guest with its emulated host bridge and vPCI off\n"
	 "(external emulators only)"},
	{"emulate", 0, "SBDF=FILE[,delay=N]", OPT_EMULATE, apply_emulate,
	 "a purely virtual guest function at guest SBDF, its config space\n"
	 "from FILE (lspci -x lines), served by a scripted emulator: at\n"
	 "once, or with delay=N asynchronously N script steps later\n"
	 "('pending ID', then 'complete ID [VALUE]'); repeatable"},
	{"vfs", 0, "PF=N", OPT_VFS, apply_vfs,
	 "the hardware domain enables N virtual functions of SR-IOV\n"
	 "physical function PF (SSSS:BB:DD.F) at set-up, as Linux's\n"
	 "sriov_numvfs does; they are then functions like any other\n"
	 "(--guest may name one); repeatable"},
	{"script", 0, "FILE", OPT_SCRIPT, apply_script,
	 "replay the script FILE (- for stdin) first, its output on\n"
	 "stderr, and show the view it leaves (VFs it enabled, BARs it\n"
	 "moved)"},
};

#define NR_OPTIONS (sizeof(options) / sizeof(options[0]))
#define OPT_VAL(i) (0x100 + (int)(i)) /* getopt's value for options[i] */

/* ------------------------------------------------------------ parser */

static const struct option_spec *spec_of(int c)
{
	size_t i;

	for (i = 0; i < NR_OPTIONS; i++)
		if (c == OPT_VAL(i) ||
		    (options[i].short_name && c == options[i].short_name))
			return &options[i];
	return NULL;
}

/* The word naming an option getopt refused: optopt for a short one,
 * else the word it just passed (without any "=ARG"). */
static void refused_word(int argc, char **argv, char *buf, size_t len)
{
	const char *w;

	if (optopt > 0 && optopt < 0x100) {
		snprintf(buf, len, "-%c", optopt);
		return;
	}
	w = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	snprintf(buf, len, "%.*s", (int)strcspn(w, "="), w);
}

/* How messages name an option: its long name, and the short one. */
static void spec_word(const struct option_spec *spec, char *buf, size_t len)
{
	if (spec->short_name)
		snprintf(buf, len, "-%c/--%s", spec->short_name, spec->name);
	else
		snprintf(buf, len, "--%s", spec->name);
}

static int check_args(const struct cli *cli)
{
	if (cli->nr_args < cli->cmd->min_args)
		return cli_fail("%s: missing arguments (see " PROG
				" %s --help)",
				cli->cmd->name, cli->cmd->name);
	if (cli->nr_args > cli->cmd->max_args)
		return cli_fail("%s: too many arguments (see " PROG
				" %s --help)",
				cli->cmd->name, cli->cmd->name);
	if (cli->sopt.guest_sbdf && !cli->sopt.guest.nr &&
	    !cli->sopt.emulate.nr && !cli->sopt.bridge_only)
		return cli_fail("%s: --guest-sbdf needs --guest (or --emulate, "
				"--bridge-only)",
				cli->cmd->name);
	return 0;
}

int cli_parse_options(struct cli *cli, int argc, char **argv)
{
	struct option longopts[NR_OPTIONS + 2];
	char shortopts[2 * NR_OPTIONS + 4] = ":h";
	char word[128];
	size_t i, n = 2;
	int c, rc = 0;

	for (i = 0; i < NR_OPTIONS; i++) {
		longopts[i].name = options[i].name;
		longopts[i].has_arg =
			options[i].arg ? required_argument : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = OPT_VAL(i);
		if (options[i].short_name) {
			shortopts[n++] = options[i].short_name;
			if (options[i].arg)
				shortopts[n++] = ':';
		}
	}
	shortopts[n] = '\0';
	longopts[NR_OPTIONS] = (struct option){"help", no_argument, NULL, 'h'};
	longopts[NR_OPTIONS + 1] = (struct option){NULL, 0, NULL, 0};

	opterr = 0;
	optind = 1;
	while (!rc) {
		const struct option_spec *spec;

		optopt = 0;
		c = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (c == -1)
			break;
		if (c == 'h') {
			cli_command_help(stdout, cli->cmd);
			return 1;
		}
		if (c == '?' || c == ':')
			refused_word(argc, argv, word, sizeof(word));
		if (c == '?' || c == ':')
			return cli_fail(
				"%s: %s option '%s' (see " PROG " %s --help)",
				cli->cmd->name,
				c == '?' ? "unknown" : "missing argument for",
				word, cli->cmd->name);
		spec = spec_of(c);
		if (!spec)
			return cli_fail("%s: option parsing failed",
					cli->cmd->name);
		if (!(spec->bit & cli->cmd->opts)) {
			spec_word(spec, word, sizeof(word));
			return cli_fail(
				"%s: option '%s' does not apply (see " PROG
				" %s --help)",
				cli->cmd->name, word, cli->cmd->name);
		}
		rc = spec->apply(cli, spec, optarg);
	}
	if (rc)
		return rc;
	cli->args = argv + optind;
	cli->nr_args = argc - optind;
	return check_args(cli);
}

/* ------------------------------------------------------------- help */

static void print_name(FILE *out, const struct option_spec *o)
{
	if (o->short_name)
		fprintf(out, "-%c, ", o->short_name);
	fprintf(out, "--%s", o->name);
	if (o->arg)
		fprintf(out, " %s", o->arg);
}

void cli_print_options(FILE *out, unsigned int opts)
{
	const char *line, *nl;
	size_t i;

	for (i = 0; i < NR_OPTIONS; i++) {
		if (!(options[i].bit & opts))
			continue;
		fputs("  ", out);
		print_name(out, &options[i]);
		fputc('\n', out);
		for (line = options[i].help; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (!nl)
				nl = line + strlen(line);
			fprintf(out, "      %.*s\n", (int)(nl - line), line);
			if (!*nl)
				break;
		}
	}
}

/* "[--guest LIST] [--trace] " for a synopsis, wrapped before column 78
 * with continuation lines indented by indent; col is where it starts.
 * Returns the column it ends at. */
static size_t print_synopsis(FILE *out, unsigned int opts, size_t col,
			     size_t indent)
{
	char word[160];
	size_t i, len;

	for (i = 0; i < NR_OPTIONS; i++) {
		if (!(options[i].bit & opts))
			continue;
		if (options[i].short_name)
			len = (size_t)snprintf(word, sizeof(word), "[-%c%s%s]",
					       options[i].short_name,
					       options[i].arg ? " " : "",
					       options[i].arg ? options[i].arg
							      : "");
		else
			len = (size_t)snprintf(
				word, sizeof(word), "[--%s%s%s]",
				options[i].name, options[i].arg ? " " : "",
				options[i].arg ? options[i].arg : "");
		if (col + len > 78 && col > indent) {
			/* The space before the word becomes the break. */
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent || i) {
			fputc(' ', out);
			col++;
		}
		fputs(word, out);
		col += len;
	}
	return col;
}

void cli_print_synopsis(FILE *out, unsigned int opts)
{
	print_synopsis(out, opts, 0, 0);
}

void cli_command_help(FILE *out, const struct command *cmd)
{
	size_t col = (size_t)fprintf(out, "usage: " PROG " %s", cmd->name);

	col = print_synopsis(out, cmd->opts, col, 7);
	if (col + 1 + strlen(cmd->args_synopsis) > 78)
		fprintf(out, "\n       %s\n", cmd->args_synopsis);
	else
		fprintf(out, " %s\n", cmd->args_synopsis);
	if (cmd->help)
		fprintf(out, "\n%s", cmd->help);
	if (cmd->opts) {
		fprintf(out, "\noptions:\n");
		cli_print_options(out, cmd->opts);
	}
}

void cli_print_option_names(FILE *out, unsigned int opts)
{
	size_t i;

	for (i = 0; i < NR_OPTIONS; i++)
		if (options[i].bit & opts) {
			if (options[i].short_name)
				fprintf(out, "-%c ", options[i].short_name);
			fprintf(out, "--%s ", options[i].name);
		}
	fputs("--help\n", out);
}

void cli_free(struct cli *cli)
{
	sbdf_list_free(&cli->sopt.guest);
	sbdf_list_free(&cli->sopt.hide);
	free(cli->sopt.vfs);
	sbdf_list_free(&cli->sopt.ro);
	emulators_free(&cli->sopt.emulate);
}
