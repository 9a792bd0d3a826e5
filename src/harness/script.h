/* SPDX-License-Identifier: MIT */
/*
 * The replay script: one line per action, run against a session. A line
 * is either a command word followed by its arguments ("r SBDF OFFSET
 * SIZE", "w SBDF OFFSET SIZE VALUE", x86 port I/O to 0xCF8-0xCFF as
 * "inl PORT", "outl PORT VALUE" with b/w/l sizes) or, as setpci has it, an SBDF
 * followed by register operations ("00:01.0 COMMAND=2 CAP_MSIX+2.W").
 * Numbers are hexadecimal, with or without 0x, as in every PCI tool.
 *
 * New line kinds are one entry in script_commands[] (script.c) and a
 * handler; handlers reach config space through script_read() and
 * script_write(), which apply the session's SBDF addressing (host SBDFs,
 * or the guest's own with --guest-sbdf).
 */
#ifndef HARNESS_SCRIPT_H
#define HARNESS_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vpci/platform.h"

struct session;

/* What a line handler gets: the session and where reads print. */
struct script_ctx {
	struct session *s;
	FILE *out;
	bool line_ran; /* the last line did something: one script step */
};

/*
 * One kind of script line. tok[0] is the keyword (the SBDF for setpci
 * lines), nr_tok counts it. Returns 0, or -1 with why filled (one line,
 * no file or line number: the runner adds them). A handler checks the
 * whole line before its first access, so a bad line does nothing.
 */
struct script_command {
	const char *keyword; /* NULL: the setpci form, "SBDF OP..." */
	const char *usage;   /* shown in errors and help */
	int (*run)(struct script_ctx *ctx, char **tok, unsigned int nr_tok,
		   char *why, size_t why_len);
};

/* Config access by the script's domain; SBDF as the script names it. */
uint32_t script_read(struct script_ctx *ctx, vpci_sbdf_t sbdf, unsigned int reg,
		     unsigned int size);
void script_write(struct script_ctx *ctx, vpci_sbdf_t sbdf, unsigned int reg,
		  unsigned int size, uint32_t val);

/* The keywords of script_commands[], one a line (the setpci form has
 * none), for completion and documentation checks. */
void script_print_keywords(FILE *out);

/* The setpci form (script_setpci.c). */
int script_setpci_line(struct script_ctx *ctx, char **tok, unsigned int nr_tok,
		       char *why, size_t why_len);

/*
 * Run the script read from in (named name in messages) against s, printing
 * what reads return on out. With interactive set, prompt on stderr,
 * report a bad line and carry on; otherwise stop at the first bad line.
 * Returns 0, or -1 after printing "vpci-harness: NAME:LINE: what" on
 * stderr.
 */
int script_run(struct session *s, FILE *in, const char *name, FILE *out,
	       bool interactive);

#endif /* HARNESS_SCRIPT_H */
