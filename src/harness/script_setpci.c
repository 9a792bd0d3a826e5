/* SPDX-License-Identifier: MIT */
/*
 * Script lines in setpci's syntax: "SBDF OP [OP...]" where each OP is
 *   BASE[+OFFSET][.B|.W|.L][@N][=VALUE[:MASK][,VALUE[:MASK]...]]
 * BASE is a hex offset, a register name (reg_names.c), CAP_name/ECAP_name
 * or CAPxx/ECAPxxx (a capability found by walking the list as the domain
 * sees it; @N picks the N-th instance, from 0). Everything is hex. A read
 * prints the value as setpci does (2, 4 or 8 hex digits, no 0x); VALUE
 * writes, VALUE:MASK changes only the MASK bits (read-modify-write), and
 * several values go to consecutive registers.
 *
 * The whole line is parsed before the first access, so a bad operation
 * leaves the function untouched; a capability that is missing is found
 * only when the line runs (it depends on what the domain sees).
 */
#include <string.h>
#include <strings.h>

#include "reg_names.h"
#include "script.h"
#include "text.h"
#include "vpci/pci_regs.h"

#define SETPCI_MAX_VALUES 64
#define SETPCI_OP_MAX	  256 /* characters in one operation */
#define CONFIG_END	  0x1000u
#define MAX_STD_CAPS	  48  /* 192 bytes of capabilities / 4 */
#define MAX_EXT_CAPS	  960 /* 3840 bytes / 4 */

struct setpci_op {
	const char *text; /* as written, for messages */
	enum reg_space space;
	unsigned int cap_id, instance;
	unsigned int addr; /* header offset, or offset into the capability */
	unsigned int width;
	unsigned int hdr_types;
	const char *name; /* the register's name, NULL for numbers */
	unsigned int nr_values;
	uint32_t value[SETPCI_MAX_VALUES], mask[SETPCI_MAX_VALUES];
};

static int op_error(char *why, size_t why_len, const char *op, const char *what)
{
	snprintf(why, why_len, "'%s': %s", op, what);
	return -1;
}

static bool parse_hex32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!text_parse_number(s, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* BASE: a number, a name, or CAPxx / ECAPxxx. */
static bool parse_base(struct setpci_op *op, const char *base)
{
	const struct reg_name *r;
	uint32_t v;

	if (parse_hex32(base, CONFIG_END - 1, &v)) {
		op->space = REG_HEADER;
		op->addr = v;
		return true;
	}
	r = reg_name_find(base);
	if (r) {
		op->space = r->space;
		op->cap_id = r->id;
		op->addr = r->offset;
		op->hdr_types = r->hdr_types;
		op->name = r->name;
		if (!op->width)
			op->width = r->width;
		return true;
	}
	if (!strncasecmp(base, "ECAP", 4) && parse_hex32(base + 4, 0xfff, &v)) {
		op->space = REG_EXT_CAP;
		op->cap_id = v;
		return true;
	}
	if (!strncasecmp(base, "CAP", 3) && parse_hex32(base + 3, 0xff, &v)) {
		op->space = REG_CAP;
		op->cap_id = v;
		return true;
	}
	return false;
}

static int parse_values(struct setpci_op *op, char *values, char *why,
			size_t why_len)
{
	uint32_t max =
		op->width == 4 ? 0xffffffffu : (1u << (8 * op->width)) - 1u;
	char *save = NULL, *v, *mask;

	if (!*values || values[strlen(values) - 1] == ',' ||
	    strstr(values, ",,") || *values == ',')
		return op_error(why, why_len, op->text, "missing value");
	for (v = strtok_r(values, ",", &save); v;
	     v = strtok_r(NULL, ",", &save)) {
		unsigned int i = op->nr_values;

		if (i == SETPCI_MAX_VALUES) {
			snprintf(why, why_len, "'%s': more than %u values",
				 op->text, SETPCI_MAX_VALUES);
			return -1;
		}
		mask = strchr(v, ':');
		if (mask)
			*mask++ = '\0';
		if (!parse_hex32(v, max, &op->value[i])) {
			snprintf(why, why_len,
				 "'%s': bad value '%s' (expected hex up to "
				 "%x)",
				 op->text, v, max);
			return -1;
		}
		op->mask[i] = max;
		if (mask && !parse_hex32(mask, max, &op->mask[i])) {
			snprintf(why, why_len,
				 "'%s': bad mask '%s' (expected hex up to %x)",
				 op->text, mask, max);
			return -1;
		}
		op->value[i] &= op->mask[i];
		op->nr_values++;
	}
	return 0;
}

/* Range and alignment, once the address is final. */
static int check_addr(const struct setpci_op *op, unsigned int addr, char *why,
		      size_t why_len)
{
	unsigned int n = op->nr_values ? op->nr_values : 1;

	if (addr >= CONFIG_END || addr + op->width * n > CONFIG_END) {
		snprintf(why, why_len,
			 "'%s': register %x out of range (config space ends "
			 "at %x)",
			 op->text, addr, CONFIG_END);
		return -1;
	}
	if (addr & (op->width - 1)) {
		snprintf(why, why_len,
			 "'%s': register %x is not aligned to its width %u",
			 op->text, addr, op->width);
		return -1;
	}
	return 0;
}

/* "B", "W", "L" (any case) as bytes; 0 for anything else. */
static unsigned int width_of(const char *suffix)
{
	if (!suffix[0] || suffix[1])
		return 0;
	switch (suffix[0] | 0x20) {
	case 'b':
		return 1;
	case 'w':
		return 2;
	case 'l':
		return 4;
	default:
		return 0;
	}
}

static int parse_op(char *text, struct setpci_op *op, char *why, size_t why_len)
{
	char buf[SETPCI_OP_MAX + 1];
	char *value, *number, *width, *offset;
	uint32_t v;

	memset(op, 0, sizeof(*op));
	op->text = text;
	if (strlen(text) > SETPCI_OP_MAX)
		return op_error(why, why_len, "...", "operation too long");
	strcpy(buf, text);
	value = strchr(buf, '=');
	if (value)
		*value++ = '\0';
	number = strchr(buf, '@');
	if (number)
		*number++ = '\0';
	width = strchr(buf, '.');
	if (width)
		*width++ = '\0';
	offset = strchr(buf, '+');
	if (offset)
		*offset++ = '\0';
	if (width) {
		op->width = width_of(width);
		if (!op->width)
			return op_error(why, why_len, text,
					"bad width (expected .B, .W or .L)");
	}
	if (number) {
		if (!parse_hex32(number, MAX_EXT_CAPS, &v))
			return op_error(why, why_len, text,
					"bad instance after '@'");
		op->instance = v;
	}
	if (!parse_base(op, buf)) {
		snprintf(why, why_len,
			 "'%s': unknown register '%s' (a hex offset, a name "
			 "such as COMMAND or CAP_MSIX, CAPxx or ECAPxxx)",
			 text, buf);
		return -1;
	}
	if (number && op->space == REG_HEADER)
		return op_error(why, why_len, text,
				"'@' applies to capabilities only");
	if (!op->width)
		return op_error(why, why_len, text,
				"no width (add .B, .W or .L)");
	if (offset) {
		if (!parse_hex32(offset, CONFIG_END - 1, &v))
			return op_error(why, why_len, text,
					"bad offset after '+'");
		op->addr += v;
	}
	if (value && parse_values(op, value, why, why_len))
		return -1;
	return op->space == REG_HEADER ? check_addr(op, op->addr, why, why_len)
				       : 0;
}

/* ------------------------------------------------------------ running */

/* Offset of the instance-th capability id in the domain's view, or 0. */
static unsigned int find_cap(struct script_ctx *ctx, vpci_sbdf_t sbdf,
			     const struct setpci_op *op)
{
	unsigned int seen = 0, i, pos, id, next;

	if (op->space == REG_EXT_CAP) {
		for (pos = 0x100, i = 0; i < MAX_EXT_CAPS; i++, pos = next) {
			uint32_t hdr = script_read(ctx, sbdf, pos, 4);

			if (hdr == 0 || hdr == 0xffffffffu)
				return 0;
			id = hdr & 0xffffu;
			if (id == op->cap_id && seen++ == op->instance)
				return pos;
			next = (hdr >> 20) & 0xffcu;
			if (next < 0x100)
				return 0;
		}
		return 0;
	}
	if (!(script_read(ctx, sbdf, VPCI_REG_STATUS, 2) & VPCI_STATUS_CAP_LIST))
		return 0; /* no capability list */
	pos = (script_read(ctx, sbdf, VPCI_REG_HEADER_TYPE, 1) &
	       VPCI_HEADER_TYPE_MASK) == VPCI_HEADER_TYPE_CARDBUS
		      ? VPCI_REG_CB_CAP_PTR
		      : VPCI_REG_CAP_PTR;
	pos = script_read(ctx, sbdf, pos, 1) & 0xfcu;
	for (i = 0; i < MAX_STD_CAPS && pos >= 0x40; i++) {
		id = script_read(ctx, sbdf, pos, 1);
		if (id == op->cap_id && seen++ == op->instance)
			return pos;
		pos = script_read(ctx, sbdf, pos + 1, 1) & 0xfcu;
	}
	return 0;
}

static int resolve_addr(struct script_ctx *ctx, vpci_sbdf_t sbdf,
			const struct setpci_op *op, unsigned int *addr,
			char *why, size_t why_len)
{
	unsigned int hdr_type, cap;
	const char *name;
	char named[32];

	*addr = op->addr;
	if (op->space == REG_HEADER) {
		hdr_type = script_read(ctx, sbdf, VPCI_REG_HEADER_TYPE, 1) &
			   VPCI_HEADER_TYPE_MASK;
		/* An absent function reads all-ones; let it, as r does. */
		if (op->hdr_types && script_read(ctx, sbdf, 0, 2) != 0xffff &&
		    (hdr_type > 2 || !(op->hdr_types & (1u << hdr_type)))) {
			snprintf(why, why_len,
				 "'%s': %s is not in a header of type %u",
				 op->text, op->name, hdr_type);
			return -1;
		}
		return 0;
	}
	cap = find_cap(ctx, sbdf, op);
	if (!cap) {
		name = reg_cap_name(op->space, op->cap_id);
		if (!name) {
			snprintf(named, sizeof(named), "%s%x",
				 op->space == REG_CAP ? "CAP" : "ECAP",
				 op->cap_id);
			name = named;
		}
		snprintf(why, why_len,
			 "'%s': the function has no %s (instance %u) in "
			 "this domain's view",
			 op->text, name, op->instance);
		return -1;
	}
	*addr = cap + op->addr;
	return check_addr(op, *addr, why, why_len);
}

static int run_op(struct script_ctx *ctx, vpci_sbdf_t sbdf,
		  const struct setpci_op *op, char *why, size_t why_len)
{
	uint32_t full =
		op->width == 4 ? 0xffffffffu : (1u << (8 * op->width)) - 1u;
	unsigned int addr, i;

	if (resolve_addr(ctx, sbdf, op, &addr, why, why_len))
		return -1;
	if (!op->nr_values) {
		fprintf(ctx->out, "%0*x\n", (int)(2 * op->width),
			script_read(ctx, sbdf, addr, op->width));
		return 0;
	}
	for (i = 0; i < op->nr_values; i++, addr += op->width) {
		uint32_t val = op->value[i];

		if (op->mask[i] != full)
			val |= script_read(ctx, sbdf, addr, op->width) &
			       ~op->mask[i] & full;
		script_write(ctx, sbdf, addr, op->width, val);
	}
	return 0;
}

int script_setpci_line(struct script_ctx *ctx, char **tok, unsigned int nr_tok,
		       char *why, size_t why_len)
{
	struct setpci_op ops[8];
	vpci_sbdf_t sbdf;
	unsigned int i, done, n;

	if (!text_parse_sbdf(tok[0], &sbdf)) {
		snprintf(why, why_len, "bad SBDF '%s'", tok[0]);
		return -1;
	}
	if (nr_tok < 2) {
		snprintf(why, why_len,
			 "expected 'SBDF REG[.B|.W|.L][=VALUE[:MASK]]...'");
		return -1;
	}
	/* Parse all before running any; in batches to bound the stack. */
	for (i = 1; i < nr_tok; i++)
		if (parse_op(tok[i], &ops[0], why, why_len))
			return -1;
	for (i = 1; i < nr_tok; i += n) {
		n = nr_tok - i < 8 ? nr_tok - i : 8;
		for (done = 0; done < n; done++)
			parse_op(tok[i + done], &ops[done], why, why_len);
		for (done = 0; done < n; done++)
			if (run_op(ctx, sbdf, &ops[done], why, why_len))
				return -1;
	}
	return 0;
}
