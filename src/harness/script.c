/* SPDX-License-Identifier: MIT */
/*
 * The script runner: splits replay scripts into lines and tokens, hands
 * each line to its kind's handler (script_commands[]) and reports bad
 * lines as "vpci-harness: NAME:LINE: what". It prints only what reads
 * return; map/unmap tracing is the replay platform's, so both land on
 * stdout in the order they happen. The setpci form is script_setpci.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress.h"
#include "script.h"
#include "session.h"
#include "text.h"

/* A setpci line may carry many operations; more is a mistake. */
#define SCRIPT_MAX_TOKENS    64
#define CONFIG_SPACE_BYTES   4096u
#define PROGRESS_EVERY_LINES 4096u

/* ------------------------------------------------------ addressing */

uint32_t script_read(struct script_ctx *ctx, vpci_sbdf_t sbdf, unsigned int reg,
		     unsigned int size)
{
	return session_addr_read(ctx->s, sbdf, reg, size);
}

void script_write(struct script_ctx *ctx, vpci_sbdf_t sbdf, unsigned int reg,
		  unsigned int size, uint32_t val)
{
	session_addr_write(ctx->s, sbdf, reg, size, val);
}

/* ------------------------------------------------------ r and w lines */

static int bad_sbdf(const char *tok, char *why, size_t why_len)
{
	snprintf(why, why_len,
		 "bad SBDF '%s' (expected SSSS:BB:DD.F or BB:DD.F)", tok);
	return -1;
}

/* "r SBDF OFFSET SIZE" and "w SBDF OFFSET SIZE VALUE". */
static int run_rw(struct script_ctx *ctx, char **tok, unsigned int nr_tok,
		  char *why, size_t why_len)
{
	bool write = tok[0][0] == 'w';
	unsigned long id = 0;
	vpci_sbdf_t sbdf;
	unsigned int size, reg;
	uint32_t val;
	uint64_t v;

	if (nr_tok != (write ? 5u : 4u)) {
		snprintf(why, why_len, "expected '%s'",
			 write ? "w SBDF OFFSET SIZE VALUE"
			       : "r SBDF OFFSET SIZE");
		return -1;
	}
	if (!text_parse_sbdf(tok[1], &sbdf))
		return bad_sbdf(tok[1], why, why_len);
	if (!text_parse_number(tok[3], 4, &v) ||
	    (v != 1 && v != 2 && v != 4)) {
		snprintf(why, why_len, "bad size '%s' (expected 1, 2 or 4)",
			 tok[3]);
		return -1;
	}
	size = (unsigned int)v;
	if (!text_parse_number(tok[2], CONFIG_SPACE_BYTES - size, &v)) {
		snprintf(why, why_len,
			 "bad offset '%s' (expected hex 0..%x for a %u-byte "
			 "access; 0x is optional)",
			 tok[2], CONFIG_SPACE_BYTES - size, size);
		return -1;
	}
	reg = (unsigned int)v;
	v = 0;
	if (write &&
	    !text_parse_number(tok[4], (1ull << (8 * size)) - 1, &v)) {
		snprintf(why, why_len,
			 "bad value '%s' (expected hex that fits in %u "
			 "byte%s; 0x is optional)",
			 tok[4], size, size == 1 ? "" : "s");
		return -1;
	}
	val = (uint32_t)v;
	if (session_script_access(ctx->s, write, sbdf, reg, size, &val, &id))
		/* An --emulate function answers later: "complete ID" then. */
		fprintf(ctx->out, "pending %lu\n", id);
	else if (!write)
		fprintf(ctx->out, "0x%0*x\n", (int)(2 * size), val);
	return 0;
}

/* The size an in/out mnemonic names (b, w, l). */
static unsigned int port_io_size(const char *mnemonic)
{
	char c = mnemonic[strlen(mnemonic) - 1];

	return c == 'b' ? 1u : c == 'w' ? 2u : 4u;
}

/* "inb|inw|inl PORT" and "outb|outw|outl PORT VALUE", PORT 0xcf8-0xcff
 * (x86 configuration mechanism #1). */
static int run_port_io(struct script_ctx *ctx, char **tok, unsigned int nr_tok,
		       char *why, size_t why_len)
{
	bool write = tok[0][0] == 'o';
	unsigned int size = port_io_size(tok[0]), port;
	uint64_t v;

	if (nr_tok != (write ? 3u : 2u)) {
		snprintf(why, why_len, "expected '%s PORT%s'", tok[0],
			 write ? " VALUE" : "");
		return -1;
	}
	if (!text_parse_number(tok[1], 0xffff, &v) || v < VPCI_CF8_PORT ||
	    v > VPCI_CFC_PORT + 3) {
		snprintf(why, why_len,
			 "bad port '%s' (expected cf8..cff, the PCI "
			 "configuration ports)",
			 tok[1]);
		return -1;
	}
	port = (unsigned int)v;
	if (!write) {
		fprintf(ctx->out, "0x%0*x\n", (int)(2 * size),
			session_port_in(ctx->s, port, size));
		return 0;
	}
	if (!text_parse_number(tok[2], (1ull << (8 * size)) - 1, &v)) {
		snprintf(why, why_len,
			 "bad value '%s' (expected hex that fits in %u "
			 "byte%s; 0x is optional)",
			 tok[2], size, size == 1 ? "" : "s");
		return -1;
	}
	session_port_out(ctx->s, port, size, (uint32_t)v);
	return 0;
}

/* "mr ADDRESS SIZE" / "mw ADDRESS SIZE VALUE": MMIO at a guest-physical
 * address of the replayed domain, through the core's entry points. */
static int run_mmio(struct script_ctx *ctx, char **tok, unsigned int nr_tok,
		    char *why, size_t why_len)
{
	bool write = tok[0][1] == 'w';
	uint64_t gpa, size, v = 0;
	int rc;

	if (nr_tok != (write ? 4u : 3u)) {
		snprintf(why, why_len, "expected '%s'",
			 write ? "mw ADDRESS SIZE VALUE" : "mr ADDRESS SIZE");
		return -1;
	}
	if (!text_parse_number(tok[1], UINT64_MAX, &gpa)) {
		snprintf(why, why_len,
			 "bad address '%s' (expected hex; 0x is optional)",
			 tok[1]);
		return -1;
	}
	if (!text_parse_number(tok[2], 8, &size) ||
	    (size != 1 && size != 2 && size != 4 && size != 8)) {
		snprintf(why, why_len, "bad size '%s' (expected 1, 2, 4 or 8)",
			 tok[2]);
		return -1;
	}
	if (write &&
	    !text_parse_number(tok[3],
				 size == 8 ? UINT64_MAX
					   : (1ull << (8 * size)) - 1,
				 &v)) {
		snprintf(why, why_len,
			 "bad value '%s' (expected hex that fits in %u "
			 "byte%s; 0x is optional)",
			 tok[3], (unsigned int)size, size == 1 ? "" : "s");
		return -1;
	}
	if (write)
		rc = session_mmio_write(ctx->s, gpa, (unsigned int)size, v);
	else
		rc = session_mmio_read(ctx->s, gpa, (unsigned int)size, &v);
	if (rc)
		fprintf(ctx->out,
			"error: %s 0x%" PRIx64 ": not an ECAM window or MSI-X "
			"frame of domain %u (%s)\n",
			tok[0], gpa, vpci_domain_id(ctx->s->target),
			vpci_strerror(rc));
	else if (!write)
		fprintf(ctx->out, "0x%0*" PRIx64 "\n", (int)(2 * size), v);
	return 0;
}

/*
 * Every kind of line. To add one: an entry here (its first word) and a
 * handler with the script_command signature; the entry with a NULL
 * keyword (the setpci form) must stay last.
 */
static const struct script_command script_commands[] = {
	{"r", "r SBDF OFFSET SIZE", run_rw},
	{"w", "w SBDF OFFSET SIZE VALUE", run_rw},
	{"inb", "inb PORT", run_port_io},
	{"inw", "inw PORT", run_port_io},
	{"inl", "inl PORT", run_port_io},
	{"outb", "outb PORT VALUE", run_port_io},
	{"outw", "outw PORT VALUE", run_port_io},
	{"outl", "outl PORT VALUE", run_port_io},
	{"mr", "mr ADDRESS SIZE", run_mmio},
	{"mw", "mw ADDRESS SIZE VALUE", run_mmio},
	{NULL, "SBDF REG[+OFF][.B|.W|.L][@N][=VALUE[:MASK][,...]]...",
	 script_setpci_line},
};

#define NR_SCRIPT_COMMANDS                                                     \
	(sizeof(script_commands) / sizeof(script_commands[0]))

static const struct script_command *find_line_kind(const char *word)
{
	vpci_sbdf_t sbdf;
	size_t i;

	for (i = 0; i < NR_SCRIPT_COMMANDS; i++) {
		const struct script_command *c = &script_commands[i];

		if (c->keyword ? !strcmp(c->keyword, word)
			       : text_parse_sbdf(word, &sbdf))
			return c;
	}
	return NULL;
}

void script_print_keywords(FILE *out)
{
	size_t i;

	for (i = 0; i < NR_SCRIPT_COMMANDS; i++)
		if (script_commands[i].keyword)
			fprintf(out, "%s\n", script_commands[i].keyword);
}

static void unknown_command(const char *word, char *why, size_t why_len)
{
	size_t i, used;

	used = (size_t)snprintf(why, why_len, "unknown command '%s' (expected",
				word);
	for (i = 0; i < NR_SCRIPT_COMMANDS && used < why_len; i++)
		used += (size_t)snprintf(
			why + used, why_len - used, "%s '%s'", i ? "," : "",
			script_commands[i].keyword ? script_commands[i].keyword
						   : "SBDF REG...");
	if (used < why_len)
		snprintf(why + used, why_len - used, ")");
}

/* ---------------------------------------------------------- the runner */

/* Split line in place at blanks, dropping a '#' comment. */
static unsigned int tokenize(char *line, char *tok[SCRIPT_MAX_TOKENS])
{
	char *hash = strchr(line, '#'), *save = NULL, *t;
	unsigned int n = 0;

	if (hash)
		*hash = '\0';
	for (t = strtok_r(line, " \t\r\v\f", &save); t;
	     t = strtok_r(NULL, " \t\r\v\f", &save)) {
		if (n == SCRIPT_MAX_TOKENS)
			return n + 1;
		tok[n++] = t;
	}
	return n;
}

/* Returns 0 (done or nothing to do) or -1 with why filled. */
static int run_line(struct script_ctx *ctx, char *line, char *why,
		    size_t why_len)
{
	char *tok[SCRIPT_MAX_TOKENS];
	unsigned int n = tokenize(line, tok);
	const struct script_command *cmd;

	if (n == 0)
		return 0;
	ctx->line_ran = true;
	if (n > SCRIPT_MAX_TOKENS) {
		snprintf(why, why_len, "more than %u words on one line",
			 SCRIPT_MAX_TOKENS);
		return -1;
	}
	cmd = find_line_kind(tok[0]);
	if (!cmd) {
		unknown_command(tok[0], why, why_len);
		return -1;
	}
	return cmd->run(ctx, tok, n, why, why_len);
}

/* Progress by bytes read, for a script in a regular file, when stderr is
 * a terminal and stdout is not (else the two would tear each other). */
static void start_progress(struct progress *p, FILE *in, FILE *out,
			   bool interactive)
{
	struct stat st;

	p->on = 0;
	if (interactive || isatty(fileno(out)) || fstat(fileno(in), &st) != 0 ||
	    !S_ISREG(st.st_mode)) {
		p->what = NULL;
		return;
	}
	progress_start(p, "replay (bytes of script)", (size_t)st.st_size);
}

int script_run(struct session *s, FILE *in, const char *name, FILE *out,
	       bool interactive)
{
	struct script_ctx ctx = {s, out, false};
	char why[512], *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	struct progress progress;
	ssize_t len;
	int rc = 0, kind;

	start_progress(&progress, in, out, interactive);
	for (;;) {
		if (interactive) {
			fputs("vpci> ", stderr);
			fflush(stderr);
		}
		len = getline(&line, &cap, in);
		if (len < 0)
			break;
		lineno++;
		if (progress.on && lineno % PROGRESS_EVERY_LINES == 0) {
			long pos = ftell(in);

			progress_step(&progress, pos > 0 ? (size_t)pos : 0);
		}
		if ((size_t)len != strlen(line)) {
			snprintf(why, sizeof(why), "line contains a NUL byte");
			kind = -1;
		} else {
			if (len > 0 && line[len - 1] == '\n')
				line[len - 1] = '\0';
			ctx.line_ran = false;
			kind = run_line(&ctx, line, why, sizeof(why));
		}
		if (kind < 0) {
			progress_end(&progress);
			fprintf(stderr, "vpci-harness: %s:%lu: %s\n", name,
				lineno, why);
			if (interactive)
				continue;
			rc = -1;
			break;
		}
		if (kind == 0 && ctx.line_ran &&
		    session_step(s, false, out, why, sizeof(why))) {
			progress_end(&progress);
			fprintf(stderr, "vpci-harness: %s:%lu: %s\n", name,
				lineno, why);
			rc = -1;
			break;
		}
		if (interactive)
			fflush(out);
	}
	progress_end(&progress);
	if (!rc && ferror(in)) {
		fprintf(stderr, "vpci-harness: %s: read error: %s\n", name,
			strerror(errno));
		rc = -1;
	}
	/* The script is over: emulators answer what they still owe. */
	if (!rc && session_step(s, true, out, why, sizeof(why))) {
		fprintf(stderr, "vpci-harness: %s: %s\n", name, why);
		rc = -1;
	}
	if (interactive)
		fputc('\n', stderr);
	free(line);
	return rc;
}
