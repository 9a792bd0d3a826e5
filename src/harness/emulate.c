/* SPDX-License-Identifier: MIT */
/*
 * Scripted external emulators (see emulate.h): loading a function's config
 * space from a file, answering libvpci's emulator calls from it, and
 * keeping the answers of an asynchronous one until the script has run
 * enough steps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emulate.h"
#include "script.h"
#include "topology.h"
#include "text.h"

#define MAX_DELAY_STEPS 1000000u

/* Bytes the guest cannot change: IDs, revision, class, header type. */
static bool read_only_byte(unsigned int off)
{
	return off < 0x0c || off == 0x0e;
}

/* ------------------------------------------------------------- the file */

static int parse_byte(const char *tok, uint8_t *out)
{
	uint64_t v;

	if (strlen(tok) != 2 || !text_hex_field(tok, 2, 2, &v))
		return -1;
	*out = (uint8_t)v;
	return 0;
}

/* One "OFFSET: BYTE..." line into fn. Returns 1 for bytes, 0 for a line
 * to skip, -1 with why filled. */
static int parse_line(struct emu_fn *fn, char *line, char *why, size_t len)
{
	char *hash = strchr(line, '#'), *save = NULL, *tok;
	unsigned long off;
	char *end;
	vpci_sbdf_t sbdf;

	if (hash)
		*hash = '\0';
	tok = strtok_r(line, " \t\r\n", &save);
	if (!tok || text_parse_sbdf(tok, &sbdf))
		return 0; /* blank, or an lspci header line */
	errno = 0;
	off = strtoul(tok, &end, 16);
	if (errno || end == tok || strcmp(end, ":") != 0 ||
	    off >= EMULATE_CONFIG_BYTES) {
		snprintf(why, len,
			 "expected 'OFFSET: BYTE ...' (lspci -x format, offset "
			 "below 0x1000), got '%s'",
			 tok);
		return -1;
	}
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		if (off >= EMULATE_CONFIG_BYTES) {
			snprintf(why, len, "bytes past offset 0xfff");
			return -1;
		}
		if (parse_byte(tok, &fn->config[off++])) {
			snprintf(why, len, "bad byte '%s' (two hex digits)",
				 tok);
			return -1;
		}
	}
	return 1;
}

static int load_config(struct emu_fn *fn, char *msg, size_t msg_len)
{
	FILE *in = fopen(fn->file, "r");
	char *line = NULL, why[200];
	size_t cap = 0;
	unsigned long lineno = 0;
	int rc = 0, nr_lines = 0, kind;

	if (!in) {
		snprintf(msg, msg_len, "--emulate %s: %s", fn->file,
			 strerror(errno));
		return -1;
	}
	while (!rc && getline(&line, &cap, in) >= 0) {
		lineno++;
		kind = parse_line(fn, line, why, sizeof(why));
		if (kind < 0) {
			snprintf(msg, msg_len, "%s:%lu: %s", fn->file, lineno,
				 why);
			rc = -1;
		}
		nr_lines += kind > 0;
	}
	free(line);
	fclose(in);
	if (!rc &&
	    (!nr_lines || (fn->config[0] == 0xff && fn->config[1] == 0xff))) {
		snprintf(msg, msg_len, "%s: %s", fn->file,
			 nr_lines ? "vendor ID 0xffff: the function would read "
				    "as absent"
				  : "no 'OFFSET: BYTE ...' lines");
		rc = -1;
	}
	return rc;
}

int emulate_add(struct emulators *e, const char *arg, char *msg, size_t msg_len)
{
	const char *eq = strchr(arg, '=');
	char sbdf_text[32], *delay;
	struct emu_fn *fn, **grown;
	uint64_t steps;

	if (!eq || (size_t)(eq - arg) >= sizeof(sbdf_text) || !eq[1]) {
		snprintf(msg, msg_len,
			 "--emulate '%s': expected SBDF=FILE[,delay=N]", arg);
		return -1;
	}
	memcpy(sbdf_text, arg, (size_t)(eq - arg));
	sbdf_text[eq - arg] = '\0';
	fn = calloc(1, sizeof(*fn));
	grown = realloc(e->fns, (e->nr + 1) * sizeof(*grown));
	if (grown)
		e->fns = grown;
	if (!fn || !grown || !(fn->file = strdup(eq + 1))) {
		free(fn);
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	e->fns[e->nr++] = fn;
	fn->owner = e;
	if (!text_parse_sbdf(sbdf_text, &fn->sbdf)) {
		snprintf(msg, msg_len,
			 "--emulate '%s': bad SBDF (expected SSSS:BB:DD.F or "
			 "BB:DD.F, the guest's address)",
			 sbdf_text);
		return -1;
	}
	delay = strstr(fn->file, ",delay=");
	if (delay) {
		if (!text_parse_number(delay + 7, MAX_DELAY_STEPS, &steps)) {
			snprintf(msg, msg_len,
				 "--emulate '%s': bad delay (0..%u script "
				 "steps)",
				 arg, MAX_DELAY_STEPS);
			return -1;
		}
		*delay = '\0';
		fn->async = true;
		fn->delay = (unsigned long)steps;
	}
	return load_config(fn, msg, msg_len);
}

void emulators_free(struct emulators *e)
{
	size_t i;

	for (i = 0; i < e->nr; i++) {
		free(e->fns[i]->file);
		free(e->fns[i]);
	}
	free(e->fns);
	free(e->pending);
	memset(e, 0, sizeof(*e));
}

/* ------------------------------------------------------------ answering */

static uint32_t config_read(const struct emu_fn *fn, unsigned int reg,
			    unsigned int size)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (uint32_t)fn->config[reg + i] << (8 * i);
	return v;
}

static void config_write(struct emu_fn *fn, unsigned int reg, unsigned int size,
			 uint32_t val)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		if (!read_only_byte(reg + i))
			fn->config[reg + i] = (uint8_t)(val >> (8 * i));
}

/* Queue a request to answer later. */
static int defer(struct emu_fn *fn, uint64_t token, unsigned int reg,
		 unsigned int size, bool write, uint32_t val)
{
	struct emulators *e = fn->owner;
	struct emu_pending *p;

	if (e->nr_pending == e->cap_pending) {
		size_t cap = e->cap_pending ? 2 * e->cap_pending : 8;
		struct emu_pending *grown =
			realloc(e->pending, cap * sizeof(*grown));

		if (!grown)
			return VPCI_ENOMEM; /* the access fails: all-ones */
		e->pending = grown;
		e->cap_pending = cap;
	}
	p = &e->pending[e->nr_pending++];
	*p = (struct emu_pending){
		.token = token,
		/* Asked during step e->step + 1; answered after delay more. */
		.due = e->step + 1 + fn->delay,
		.fn = fn,
		.reg = reg,
		.size = size,
		.write = write,
		.val = val,
	};
	return VPCI_EPENDING;
}

static int emu_read(void *arg, vpci_sbdf_t sbdf, unsigned int reg,
		    unsigned int size, uint64_t token, uint32_t *val)
{
	struct emu_fn *fn = arg;

	(void)sbdf;
	if (fn->async)
		return defer(fn, token, reg, size, false, 0);
	*val = config_read(fn, reg, size);
	return 0;
}

static int emu_write(void *arg, vpci_sbdf_t sbdf, unsigned int reg,
		     unsigned int size, uint32_t val, uint64_t token)
{
	struct emu_fn *fn = arg;

	(void)sbdf;
	if (fn->async)
		return defer(fn, token, reg, size, true, val);
	config_write(fn, reg, size, val);
	return 0;
}

static void remove_at(struct emulators *e, size_t i)
{
	memmove(&e->pending[i], &e->pending[i + 1],
		(e->nr_pending - i - 1) * sizeof(e->pending[0]));
	e->nr_pending--;
}

static void emu_cancel(void *arg, uint64_t token)
{
	struct emulators *e = ((struct emu_fn *)arg)->owner;
	size_t i;

	for (i = 0; i < e->nr_pending; i++)
		if (e->pending[i].token == token) {
			remove_at(e, i);
			return;
		}
}

const struct vpci_emulator_ops emulate_ops = {
	.read = emu_read,
	.write = emu_write,
	.cancel = emu_cancel,
};

unsigned long emulators_number(struct emulators *e, uint64_t token)
{
	size_t i;

	for (i = 0; i < e->nr_pending; i++)
		if (e->pending[i].token == token) {
			if (!e->pending[i].id)
				e->pending[i].id = ++e->next_id;
			return e->pending[i].id;
		}
	return 0;
}

/* Answer pending[i]: the emulator does the work now, then libvpci
 * delivers it. */
static int answer_at(struct emulators *e, struct vpci_domain *dom, size_t i,
		     uint32_t *val)
{
	struct emu_pending p = e->pending[i];
	uint32_t answer = 0;
	uint64_t result = 0;
	int rc;

	remove_at(e, i);
	if (p.write)
		config_write(p.fn, p.reg, p.size, p.val);
	else
		answer = config_read(p.fn, p.reg, p.size);
	rc = vpci_emulator_complete(dom, p.token, answer, &result);
	*val = (uint32_t)result;
	return rc;
}

int emulators_answer(struct emulators *e, struct vpci_domain *dom,
		     uint64_t token, uint32_t *val)
{
	size_t i;

	for (i = 0; i < e->nr_pending; i++)
		if (e->pending[i].token == token)
			return answer_at(e, dom, i, val);
	return VPCI_ENOENT;
}

void emulators_step(struct emulators *e, struct vpci_domain *dom, bool all,
		    FILE *out)
{
	size_t i;

	if (!all)
		e->step++;
	for (i = 0; i < e->nr_pending;) {
		const struct emu_pending *p = &e->pending[i];
		unsigned long id = p->id;
		unsigned int size = p->size;
		bool write = p->write;
		uint32_t val;
		int rc;

		if (!all && p->due > e->step) {
			i++;
			continue;
		}
		rc = answer_at(e, dom, i, &val);
		if (rc == VPCI_EPENDING)
			continue; /* asked again under the same token */
		if (rc)
			fprintf(out, "complete %lu failed: %s\n", id,
				vpci_strerror(rc));
		else if (write)
			fprintf(out, "complete %lu\n", id);
		else
			fprintf(out, "complete %lu 0x%0*x\n", id,
				(int)(2 * size), val);
	}
}
