/* SPDX-License-Identifier: MIT */
/*
 * Reading a capture: a directory shaped like /sys/bus/pci, with one
 * devices/SSSS:BB:DD.F/ per function holding the binary `config` and the
 * text `resource` (plus vendor, device, class, ... which only cross-check
 * config). Works on a real /sys/bus/pci too. Optional DIR/sizes.tsv (see
 * tests/data/README.md) is checked against what was loaded. Writing
 * captures is capture_live.c; BAR decisions are topo_derive_bars().
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "topology_internal.h"
#include "text.h"
#include "vpci/pci_regs.h"

#define RESOURCE_MIN_LINES 7 /* BARs 0-5 and the ROM */

struct capture_ctx {
	const char *dir;
	struct topology *topo;
	struct topo_error *err;
};

static int join(char *out, size_t out_len, struct topo_error *err,
		const char *a, const char *b, const char *c)
{
	int n = snprintf(out, out_len, "%s/%s%s%s", a, b, c ? "/" : "",
			 c ? c : "");

	if (n < 0 || (size_t)n >= out_len) {
		topo_set_error(err, "%s/%s: path too long", a, b);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- config */

static int read_config(struct capture_ctx *ctx, const char *fndir,
		       struct topo_fn *fn)
{
	uint8_t buf[TOPO_CONFIG_MAX + 1];
	char path[PATH_MAX];
	size_t got;
	FILE *f;

	if (join(path, sizeof(path), ctx->err, fndir, "config", NULL))
		return -1;
	f = fopen(path, "rb");
	if (!f) {
		topo_set_error(ctx->err, "%s: %s", path, strerror(errno));
		return -1;
	}
	got = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		topo_set_error(ctx->err, "%s: read error", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	fn->config_len = topo_config_len_round(got);
	if (!fn->config_len) {
		topo_set_error(ctx->err,
			       "%s: only %zu bytes; config needs at least the "
			       "64-byte header",
			       path, got);
		return -1;
	}
	memcpy(fn->config, buf, fn->config_len);
	if (got != fn->config_len)
		return topo_warn(ctx->topo, ctx->err,
				 "%s: %s%zu bytes; using the first %u", path,
				 got > TOPO_CONFIG_MAX ? "more than " : "",
				 got > TOPO_CONFIG_MAX ? (size_t)TOPO_CONFIG_MAX
						       : got,
				 fn->config_len);
	return 0;
}

/* -------------------------------------------------------------- resource */

bool topo_parse_resource_line(const char *line, uint64_t v[3])
{
	const char *p = line;
	int i;

	for (i = 0; i < 3; i++) {
		if (i && *p != ' ' && *p != '\t')
			return false;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!text_hex64_0x(&p, &v[i]))
			return false;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0';
}

static void hint_from_resource(struct topo_bar_hint *hint, unsigned int i,
			       const uint64_t v[3], unsigned int line)
{
	uint64_t start = v[0], end = v[1], flags = v[2];

	memset(hint, 0, sizeof(*hint));
	hint->line = line;
	if (i == TOPO_ROM_INDEX) {
		/* Shadow copies of a ROM in RAM (0xc0000) are no BAR. */
		if ((start || end) && !(flags & IORESOURCE_ROM_SHADOW)) {
			hint->present = hint->kind_known = true;
			hint->kind = TOPO_BAR_ROM;
		}
	} else if (start || end) { /* unset BARs print flags alone */
		hint->present = true;
		if (flags & IORESOURCE_IO) {
			hint->kind_known = true;
			hint->kind = TOPO_BAR_IO;
		} else if (flags & IORESOURCE_MEM) {
			hint->kind_known = true;
			hint->kind = TOPO_BAR_MEM32;
			if (flags & IORESOURCE_MEM_64)
				hint->kind = TOPO_BAR_MEM64_LO;
			hint->prefetchable = flags & IORESOURCE_PREFETCH;
		}
	}
	if (hint->present && (start || end)) {
		hint->size_known = true;
		hint->size_bytes = end - start + 1; /* 0 when all 64 bits */
	}
}

static int read_resource(struct capture_ctx *ctx, const char *fndir,
			 struct topo_fn *fn,
			 struct topo_bar_hint hints[TOPO_NR_BARS])
{
	char path[PATH_MAX];
	unsigned int line = 0;
	size_t cap = 0;
	char *buf = NULL;
	ssize_t len;
	int rc = 0;
	FILE *f;

	if (join(path, sizeof(path), ctx->err, fndir, "resource", NULL))
		return -1;
	f = fopen(path, "r");
	if (!f) {
		topo_set_error(ctx->err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = topo_read_line(f, &buf, &cap)) != TOPO_LINE_EOF) {
		uint64_t v[3];

		line++;
		if (len < 0) {
			topo_set_error(ctx->err, "%s:%u: %s", path, line,
				       topo_line_problem(len));
			rc = -1;
			break;
		}
		if (!topo_parse_resource_line(buf, v)) {
			topo_set_error(ctx->err,
				       "%s:%u: expected \"0xSTART 0xEND 0xFLAGS\", "
				       "got \"%.60s\"",
				       path, line, buf);
			rc = -1;
			break;
		}
		if (v[1] < v[0]) {
			topo_set_error(ctx->err,
				       "%s:%u: end 0x%" PRIx64
				       " is below start 0x%" PRIx64,
				       path, line, v[1], v[0]);
			rc = -1;
			break;
		}
		if (line <= TOPO_NR_BARS)
			hint_from_resource(&hints[line - 1], line - 1, v, line);
		if (line <= TOPO_NR_RESOURCES) {
			memcpy(fn->attrs.resource[line - 1], v, sizeof(v));
			fn->attrs.nr_resources = line;
		}
	}
	if (rc == 0 && line < RESOURCE_MIN_LINES) {
		topo_set_error(ctx->err,
			       "%s:%u: only %u lines; need at least %u (BARs "
			       "0-5 and the ROM)",
			       path, line, line, RESOURCE_MIN_LINES);
		rc = -1;
	}
	free(buf);
	fclose(f);
	return rc;
}

/* ------------------------------------------------------ id cross-checks */

/* The small text files that repeat config bytes, and where. */
static const struct id_file {
	const char *name;
	unsigned int offset, width;
	bool type0_only; /* bridges keep subsystem ids in a capability */
} id_files[] = {
	{ "vendor", 0x00, 2, false },
	{ "device", 0x02, 2, false },
	{ "revision", 0x08, 1, false },
	{ "class", 0x09, 3, false },
	{ "subsystem_vendor", 0x2c, 2, true },
	{ "subsystem_device", 0x2e, 2, true },
};

static int check_id_file(struct capture_ctx *ctx, const char *fndir,
			 const struct topo_fn *fn, const struct id_file *id)
{
	char path[PATH_MAX], text[64], *end;
	unsigned long want = 0, got;
	unsigned int i;
	FILE *f;

	if (id->type0_only && (fn->config[VPCI_REG_HEADER_TYPE] & VPCI_HEADER_TYPE_MASK) != 0)
		return 0;
	if (join(path, sizeof(path), ctx->err, fndir, id->name, NULL))
		return -1;
	f = fopen(path, "r");
	if (!f)
		return 0; /* optional: config is the authority */
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	for (i = 0; i < id->width; i++)
		want |= (unsigned long)fn->config[id->offset + i] << (8 * i);
	errno = 0;
	got = strtoul(text, &end, 0);
	if (errno || end == text || (*end != '\n' && *end != '\0'))
		return topo_warn(ctx->topo, ctx->err,
				 "%s: not a number; ignored", path);
	if (got != want)
		return topo_warn(ctx->topo, ctx->err,
				 "%s: 0x%lx but config says 0x%lx; using "
				 "config",
				 path, got, want);
	return 0;
}

/* -------------------------------------------------------------- function */

static int read_function(struct capture_ctx *ctx, const char *name,
			 vpci_sbdf_t sbdf)
{
	struct topo_bar_hint hints[TOPO_NR_BARS] = { { 0 } };
	char fndir[PATH_MAX];
	struct topo_fn *fn;
	size_t i;

	if (join(fndir, sizeof(fndir), ctx->err, ctx->dir, "devices", name))
		return -1;
	fn = topo_add_fn(ctx->topo, sbdf, ctx->err);
	if (!fn || read_config(ctx, fndir, fn) ||
	    read_resource(ctx, fndir, fn, hints) ||
	    capture_read_attrs(fndir, fn, ctx->topo, ctx->err))
		return -1;
	for (i = 0; i < sizeof(id_files) / sizeof(id_files[0]); i++)
		if (check_id_file(ctx, fndir, fn, &id_files[i]))
			return -1;
	return topo_derive_bars(ctx->topo, fn, hints, fndir, ctx->err);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The SSSS:BB:DD.F entries of DIR/devices, sorted; warns on others. */
static int list_functions(struct capture_ctx *ctx, char ***names_out,
			  size_t *nr_out)
{
	char path[PATH_MAX], **names = NULL, **grown;
	size_t nr = 0;
	struct dirent *de;
	vpci_sbdf_t sbdf;
	DIR *d;
	int rc = 0;

	if (join(path, sizeof(path), ctx->err, ctx->dir, "devices", NULL))
		return -1;
	d = opendir(path);
	if (!d) {
		topo_set_error(ctx->err, "%s: %s (a capture has devices/)",
			       path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (!text_parse_sbdf_canonical(de->d_name, &sbdf)) {
			rc = topo_warn(ctx->topo, ctx->err,
				       "%s/%s: not an SSSS:BB:DD.F name; "
				       "ignored",
				       path, de->d_name);
			continue;
		}
		grown = realloc(names, (nr + 1) * sizeof(*names));
		if (!grown || !(grown[nr] = strdup(de->d_name))) {
			names = grown ? grown : names;
			topo_set_error(ctx->err, "%s: out of memory", path);
			rc = -1;
			break;
		}
		names = grown;
		nr++;
	}
	closedir(d);
	if (names)
		qsort(names, nr, sizeof(*names), name_cmp);
	*names_out = names;
	*nr_out = nr;
	return rc;
}

/* ------------------------------------------------------------- sizes.tsv */

static const char *const size_kinds[] = { "mem32", "mem64", "io", "rom" };
static const enum topo_bar_kind size_kind_values[] = {
	TOPO_BAR_MEM32, TOPO_BAR_MEM64_LO, TOPO_BAR_IO, TOPO_BAR_ROM
};

static int check_size_row(struct capture_ctx *ctx, const char *path,
			  unsigned int line, vpci_sbdf_t sbdf, unsigned int i,
			  enum topo_bar_kind kind, uint64_t size)
{
	const struct topo_fn *fn = topology_find(ctx->topo, sbdf);
	const struct topo_bar *bar = fn ? &fn->bars[i] : NULL;
	char name[TEXT_SBDF_STRLEN];

	text_sbdf_str(sbdf, name);
	if (!fn)
		return topo_warn(ctx->topo, ctx->err,
				 "%s:%u: %s is not in the capture", path, line,
				 name);
	if (bar->kind != kind || !bar->size_known || bar->size_bytes != size)
		return topo_warn(ctx->topo, ctx->err,
				 "%s:%u: %s BAR %u is %s of %llu bytes here, "
				 "but loaded as %s of %s%llu",
				 path, line, name, i, topo_bar_kind_name(kind),
				 (unsigned long long)size,
				 topo_bar_kind_name(bar->kind),
				 bar->size_known ? "" : "unknown size ",
				 (unsigned long long)bar->size_bytes);
	return 0;
}

static int parse_size_row(struct capture_ctx *ctx, const char *path,
			  unsigned int line, char *buf)
{
	char *f[4], *save = NULL, *end;
	unsigned long long size;
	unsigned long idx;
	vpci_sbdf_t sbdf;
	size_t k, n = 0;

	for (char *tok = strtok_r(buf, "\t ", &save); tok;
	     tok = strtok_r(NULL, "\t ", &save)) {
		if (n == 4)
			goto bad;
		f[n++] = tok;
	}
	if (n != 4 || !text_parse_sbdf_canonical(f[0], &sbdf))
		goto bad;
	errno = 0;
	idx = strtoul(f[1], &end, 10);
	if (*end || end == f[1] || idx >= TOPO_NR_BARS)
		goto bad;
	size = strtoull(f[3], &end, 10);
	if (*end || end == f[3] || errno || f[3][0] == '-')
		goto bad;
	for (k = 0; k < sizeof(size_kinds) / sizeof(size_kinds[0]); k++)
		if (strcmp(f[2], size_kinds[k]) == 0)
			return check_size_row(ctx, path, line, sbdf,
					      (unsigned int)idx,
					      size_kind_values[k], size);
bad:
	topo_set_error(ctx->err,
		       "%s:%u: expected \"SSSS:BB:DD.F<TAB>BAR<TAB>"
		       "mem32|mem64|io|rom<TAB>BYTES\"",
		       path, line);
	return -1;
}

/* Optional; a capture built from an lspci -vv dump carries one. */
static int check_sizes_tsv(struct capture_ctx *ctx)
{
	char path[PATH_MAX], *buf = NULL;
	unsigned int line = 0;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	FILE *f;

	if (join(path, sizeof(path), ctx->err, ctx->dir, "sizes.tsv", NULL))
		return -1;
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (rc == 0 &&
	       (len = topo_read_line(f, &buf, &cap)) != TOPO_LINE_EOF) {
		line++;
		if (len < 0) {
			topo_set_error(ctx->err, "%s:%u: %s", path, line,
				       topo_line_problem(len));
			rc = -1;
		} else if (len > 0 && buf[0] != '#') {
			rc = parse_size_row(ctx, path, line, buf);
		}
	}
	free(buf);
	fclose(f);
	return rc;
}

/* ------------------------------------------------------------------ main */

int capture_read(const char *dir, struct topology *topo,
		 struct topo_error *err)
{
	struct capture_ctx ctx = { .dir = dir, .topo = topo, .err = err };
	char **names = NULL;
	size_t nr = 0, i;
	vpci_sbdf_t sbdf;
	int rc;

	rc = list_functions(&ctx, &names, &nr);
	for (i = 0; rc == 0 && i < nr; i++) {
		text_parse_sbdf_canonical(names[i], &sbdf);
		rc = read_function(&ctx, names[i], sbdf);
	}
	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	if (rc == 0)
		rc = topo_finish(topo, err);
	if (rc == 0)
		rc = check_sizes_tsv(&ctx);
	return rc;
}
