/* SPDX-License-Identifier: MIT */
/*
 * The topology object itself: lookup, release, and the helpers both
 * loaders share — above all topo_derive_bars(), the single
 * place that decides what kind of BAR sits in each slot and how big it is.
 * Parsing of the two formats lives in capture_read.c and lspci_import.c,
 * choosing between them in loader.c; making a topology behave like hardware lives in hwmodel.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology_internal.h"
#include "text.h"
#include "vpci/pci_regs.h"


static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ---------------------------------------------------------------- errors */

void topo_set_error(struct topo_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

int topo_warn(struct topology *topo, struct topo_error *err,
	      const char *fmt, ...)
{
	struct topo_error *grown;
	va_list ap;

	grown = realloc(topo->warnings,
			(topo->nr_warnings + 1) * sizeof(*topo->warnings));
	if (!grown) {
		topo_set_error(err, "%s: out of memory", topo->source);
		return -1;
	}
	topo->warnings = grown;
	va_start(ap, fmt);
	vsnprintf(grown[topo->nr_warnings].msg, sizeof(grown->msg), fmt, ap);
	va_end(ap);
	topo->nr_warnings++;
	return 0;
}

/* ------------------------------------------------------------- functions */

/* The array holds 8 slots, then doubles: it is full exactly when the count
 * is 0 or a power of two from 8 up, so no capacity field is needed. */
static bool fns_full(size_t nr_fns)
{
	return nr_fns == 0 || (nr_fns >= 8 && (nr_fns & (nr_fns - 1)) == 0);
}

struct topo_fn *topo_add_fn(struct topology *topo, vpci_sbdf_t sbdf,
			    struct topo_error *err)
{
	struct topo_fn *grown, *fn;

	if (fns_full(topo->nr_fns)) {
		size_t cap = topo->nr_fns ? topo->nr_fns * 2 : 8;

		grown = realloc(topo->fns, cap * sizeof(*grown));
		if (!grown) {
			topo_set_error(err, "%s: out of memory", topo->source);
			return NULL;
		}
		topo->fns = grown;
	}
	fn = &topo->fns[topo->nr_fns++];
	memset(fn, 0, sizeof(*fn));
	fn->sbdf = sbdf;
	return fn;
}

void topo_drop_last_fn(struct topology *topo)
{
	if (topo->nr_fns)
		topo->nr_fns--;
}

static int fn_cmp(const void *a, const void *b)
{
	const struct topo_fn *x = a, *y = b;

	return (x->sbdf > y->sbdf) - (x->sbdf < y->sbdf);
}

int topo_finish(struct topology *topo, struct topo_error *err)
{
	char name[TEXT_SBDF_STRLEN];
	size_t i;

	if (!topo->nr_fns) {
		topo_set_error(err, "%s: no PCI functions found", topo->source);
		return -1;
	}
	qsort(topo->fns, topo->nr_fns, sizeof(*topo->fns), fn_cmp);
	for (i = 1; i < topo->nr_fns; i++) {
		if (topo->fns[i].sbdf != topo->fns[i - 1].sbdf)
			continue;
		text_sbdf_str(topo->fns[i].sbdf, name);
		if (topo->fns[i].source_line) {
			unsigned int a = topo->fns[i - 1].source_line;
			unsigned int b = topo->fns[i].source_line;

			/* qsort is not stable: name the later line. */
			topo_set_error(err, "%s:%u: %s appears twice (also line %u)",
				       topo->source, a > b ? a : b, name,
				       a > b ? b : a);
		} else {
			topo_set_error(err, "%s: %s appears twice", topo->source,
				       name);
		}
		return -1;
	}
	return 0;
}

/* Double *buf up to TOPO_LINE_MAX bytes; false when that is reached or
 * memory is out (both end the read as "too long"). */
static bool grow_line(char **buf, size_t *cap)
{
	size_t want = *cap ? *cap * 2 : 256;
	char *grown;

	if (*cap >= TOPO_LINE_MAX)
		return false;
	grown = realloc(*buf, want);
	if (!grown)
		return false;
	*buf = grown;
	*cap = want;
	return true;
}

ssize_t topo_read_line(FILE *f, char **buf, size_t *cap)
{
	size_t len = 0;
	int c = EOF;

	/* Not getline(): a file with no newline (/dev/zero, a binary
	 * passed by mistake) must not eat all memory. */
	while ((c = getc(f)) != EOF && c != '\n') {
		if (len + 1 >= *cap && !grow_line(buf, cap))
			return TOPO_LINE_TOO_LONG;
		(*buf)[len++] = (char)c;
	}
	if (c == EOF && len == 0)
		return TOPO_LINE_EOF;
	if (!*buf && !grow_line(buf, cap))
		return TOPO_LINE_TOO_LONG;
	(*buf)[len] = '\0';
	if (len > 0 && (*buf)[len - 1] == '\r')
		(*buf)[--len] = '\0';
	if (memchr(*buf, '\0', len))
		return TOPO_LINE_NUL;
	return (ssize_t)len;
}

const char *topo_line_problem(ssize_t rc)
{
	return rc == TOPO_LINE_NUL ? "NUL byte in a text file"
				   : "line longer than 64 KiB";
}

unsigned int topo_config_len_round(size_t len_bytes)
{
	if (len_bytes >= 4096)
		return 4096;
	if (len_bytes >= 256)
		return 256;
	return len_bytes >= 64 ? 64 : 0;
}

/* ------------------------------------------------------------ public API */

void topology_free(struct topology *topo)
{
	if (!topo)
		return;
	free(topo->fns);
	free(topo->warnings);
	topo->fns = NULL;
	topo->nr_fns = 0;
	topo->warnings = NULL;
	topo->nr_warnings = 0;
}

struct topo_fn *topology_find(const struct topology *topo, vpci_sbdf_t sbdf)
{
	size_t lo = 0, hi = topo ? topo->nr_fns : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (topo->fns[mid].sbdf == sbdf)
			return &topo->fns[mid];
		if (topo->fns[mid].sbdf < sbdf)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *topo_bar_kind_name(enum topo_bar_kind kind)
{
	static const char *const names[] = {
		[TOPO_BAR_NONE] = "none",
		[TOPO_BAR_MEM32] = "mem32",
		[TOPO_BAR_MEM64_LO] = "mem64",
		[TOPO_BAR_MEM64_HI] = "mem64-hi",
		[TOPO_BAR_IO] = "io",
		[TOPO_BAR_ROM] = "rom",
	};

	if ((unsigned int)kind >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[kind];
}

/* ------------------------------------------------------- header and caps */

static unsigned int header_type(const struct topo_fn *fn)
{
	return fn->config[VPCI_REG_HEADER_TYPE] & VPCI_HEADER_TYPE_MASK;
}

/* Number of BAR slots (not counting the ROM) per header type. */
static unsigned int nr_bar_slots(const struct topo_fn *fn)
{
	switch (header_type(fn)) {
	case 0:
		return 6;
	case 1:
		return 2;
	default:
		return 0;
	}
}

unsigned int topo_bar_offset(const struct topo_fn *fn, unsigned int i)
{
	unsigned int nr = nr_bar_slots(fn);

	if (i == TOPO_ROM_INDEX && nr)
		return header_type(fn) == VPCI_HEADER_TYPE_NORMAL
			       ? VPCI_REG_ROM_ADDRESS
			       : VPCI_REG_ROM_ADDRESS1;
	return i < nr ? VPCI_REG_BAR0 + 4 * i : 0;
}

size_t topo_caps(const struct topo_fn *fn, struct topo_cap *caps,
		 size_t max_caps)
{
	unsigned int limit = fn->config_len < 256 ? fn->config_len : 256;
	uint64_t visited = 0; /* one bit per dword of 0x00-0xff */
	unsigned int ptr;
	size_t n = 0;

	if (!(fn->config[VPCI_REG_STATUS] & VPCI_STATUS_CAP_LIST))
		return 0;
	ptr = fn->config[header_type(fn) == VPCI_HEADER_TYPE_CARDBUS
				 ? VPCI_REG_CB_CAP_PTR
				 : VPCI_REG_CAP_PTR];
	/* PCI 3.0 6.7: the bottom two bits of a pointer are reserved. */
	ptr &= 0xfcu;
	while (ptr >= 0x40 && ptr + 2 <= limit && n < max_caps) {
		uint64_t bit = 1ull << (ptr >> 2);

		if (visited & bit)
			break;
		visited |= bit;
		caps[n].offset = (uint16_t)ptr;
		caps[n].id = fn->config[ptr];
		caps[n].version = 0;
		n++;
		ptr = fn->config[ptr + 1] & 0xfcu;
	}
	return n;
}

size_t topo_ext_caps(const struct topo_fn *fn, struct topo_cap *caps,
		     size_t max_caps)
{
	uint64_t visited[TOPO_CONFIG_MAX / 4 / 64] = { 0 };
	unsigned int off = VPCI_EXT_CAP_START;
	size_t n = 0;

	if (fn->config_len < TOPO_CONFIG_MAX)
		return 0;
	while (off >= VPCI_EXT_CAP_START && off + 4 <= TOPO_CONFIG_MAX &&
	       n < max_caps) {
		uint32_t hdr = le32_at(&fn->config[off]);
		unsigned int slot = off >> 2;

		if (hdr == 0 || hdr == 0xffffffffu)
			break;
		if (visited[slot / 64] & 1ull << (slot % 64))
			break;
		visited[slot / 64] |= 1ull << (slot % 64);
		caps[n].offset = (uint16_t)off;
		caps[n].id = (uint16_t)(hdr & 0xffffu);
		caps[n].version = (uint8_t)(hdr >> 16 & 0xfu);
		n++;
		off = hdr >> 20 & 0xffcu;
	}
	return n;
}

static bool fn_has_cap(const struct topo_fn *fn, uint16_t id)
{
	struct topo_cap caps[TOPO_MAX_CAPS];
	size_t i, n = topo_caps(fn, caps, TOPO_MAX_CAPS);

	for (i = 0; i < n; i++)
		if (caps[i].id == id)
			return true;
	return false;
}

bool topo_fn_is_pcie(const struct topo_fn *fn)
{
	return fn_has_cap(fn, VPCI_CAP_ID_EXP);
}

/* ------------------------------------------------------------------ BARs */

/* The BAR as its low bits describe it (PCI 3.0 6.2.5.1). */
static enum topo_bar_kind kind_from_register(uint32_t val, bool *reserved)
{
	*reserved = false;
	if (val & 1u)
		return TOPO_BAR_IO;
	switch (val >> 1 & 3u) {
	case 0: /* 32-bit */
	case 1: /* "below 1 MiB" (PCI 2.x); decodes like 32-bit today */
		return TOPO_BAR_MEM32;
	case 2:
		return TOPO_BAR_MEM64_LO;
	default:
		*reserved = true;
		return TOPO_BAR_NONE;
	}
}

/* Minimum and maximum decodable size per kind (PCI 3.0 6.2.5.1, 6.2.5.2):
 * a 32-bit BAR needs at least bit 31 writable, so 2 GiB at most. */
static void size_limits(enum topo_bar_kind kind, uint64_t *min, uint64_t *max)
{
	*min = kind == TOPO_BAR_IO ? 4 : kind == TOPO_BAR_ROM ? 2048 : 16;
	*max = kind == TOPO_BAR_MEM64_LO ? 1ull << 63 : 1ull << 31;
}

static int apply_size(struct topology *topo, struct topo_bar *bar,
		      const struct topo_bar_hint *hint, unsigned int i,
		      const char *where, struct topo_error *err)
{
	uint64_t size = hint->size_bytes, min, max;

	if (!hint->size_known)
		return 0;
	size_limits(bar->kind, &min, &max);
	if (size & (size - 1))
		return topo_warn(topo, err,
				 "%s: BAR %u: size %llu is not a power of two; "
				 "treated as unknown",
				 where, i, (unsigned long long)size);
	if (size < min || size > max)
		return topo_warn(topo, err,
				 "%s: BAR %u: size %llu is impossible for a %s "
				 "BAR; treated as unknown",
				 where, i, (unsigned long long)size,
				 topo_bar_kind_name(bar->kind));
	bar->size_known = true;
	bar->size_bytes = size;
	return 0;
}

static uint64_t bar_address(const struct topo_fn *fn, unsigned int off,
			    enum topo_bar_kind kind)
{
	uint32_t val = le32_at(&fn->config[off]);

	switch (kind) {
	case TOPO_BAR_IO:
		return val & ~3u;
	case TOPO_BAR_MEM64_LO:
		return (uint64_t)le32_at(&fn->config[off + 4]) << 32 |
		       (val & ~0xfu);
	case TOPO_BAR_ROM:
		return val & ~0x7ffu;
	default:
		return val & ~0xfu;
	}
}

/*
 * Which kind the slot holds. The register's own type bits win; a register
 * reading 0 is a memory BAR at address 0 or no BAR at all, which only the
 * other source can tell apart. Functions with Enhanced Allocation (PCI-SIG
 * EA ECN, 2014) describe fixed ranges in that capability and leave their
 * BARs reading 0 (the ThunderX NIC in tests/data), so there a zero register
 * stays NONE whatever the OS reports.
 */
static enum topo_bar_kind slot_kind(const struct topo_fn *fn, unsigned int i,
				    const struct topo_bar_hint *hint, bool ea,
				    bool *prefetchable, const char **why)
{
	uint32_t val = le32_at(&fn->config[topo_bar_offset(fn, i)]);
	enum topo_bar_kind kind;
	bool reserved;

	*why = NULL;
	*prefetchable = false;
	if (i == TOPO_ROM_INDEX) {
		if (val == 0 && (ea || !hint->present))
			return TOPO_BAR_NONE;
		return TOPO_BAR_ROM;
	}
	if (val != 0) {
		kind = kind_from_register(val, &reserved);
		if (reserved)
			*why = "memory type 3 is reserved; treated as "
			       "unimplemented";
		*prefetchable = kind != TOPO_BAR_IO && (val & 8u);
		return kind;
	}
	if (!hint->present)
		return TOPO_BAR_NONE;
	if (ea) {
		*why = "reads 0 on an Enhanced Allocation function; the "
		       "source's region is not a BAR";
		return TOPO_BAR_NONE;
	}
	if (!hint->kind_known) {
		*why = "register reads 0 and the source gives no type; treated "
		       "as unimplemented";
		return TOPO_BAR_NONE;
	}
	*prefetchable = hint->prefetchable;
	return hint->kind;
}

static int derive_one(struct topology *topo, struct topo_fn *fn,
		      unsigned int i, const struct topo_bar_hint *hint,
		      bool ea, const char *where, struct topo_error *err)
{
	struct topo_bar *bar = &fn->bars[i];
	bool last = i + 1 == nr_bar_slots(fn);
	const char *why;

	bar->kind = slot_kind(fn, i, hint, ea, &bar->prefetchable, &why);
	if (why && topo_warn(topo, err, "%s: BAR %u: %s", where, i, why))
		return -1;
	if (bar->kind == TOPO_BAR_MEM64_LO && last) {
		bar->kind = TOPO_BAR_NONE;
		bar->prefetchable = false;
		return topo_warn(topo, err,
				 "%s: BAR %u: 64-bit BAR in the last slot has "
				 "no upper half; treated as unimplemented",
				 where, i);
	}
	if (bar->kind == TOPO_BAR_NONE)
		return 0;
	if (hint->kind_known && hint->kind != bar->kind &&
	    topo_warn(topo, err,
		      "%s: BAR %u: config says %s, the source says %s; "
		      "using config",
		      where, i, topo_bar_kind_name(bar->kind),
		      topo_bar_kind_name(hint->kind)))
		return -1;
	bar->addr = bar_address(fn, topo_bar_offset(fn, i), bar->kind);
	if (apply_size(topo, bar, hint, i, where, err))
		return -1;
	if (bar->kind == TOPO_BAR_MEM64_LO) {
		fn->bars[i + 1] = *bar;
		fn->bars[i + 1].kind = TOPO_BAR_MEM64_HI;
	}
	return 0;
}

int topo_derive_bars(struct topology *topo, struct topo_fn *fn,
		     const struct topo_bar_hint hints[TOPO_NR_BARS],
		     const char *where, struct topo_error *err)
{
	static const struct topo_bar_hint no_hint;
	bool ea = fn_has_cap(fn, VPCI_CAP_ID_EA);
	unsigned int i;

	memset(fn->bars, 0, sizeof(fn->bars));
	for (i = 0; i < TOPO_NR_BARS; i++) {
		const struct topo_bar_hint *hint = hints ? &hints[i] : &no_hint;

		if (!topo_bar_offset(fn, i) ||
		    fn->bars[i].kind == TOPO_BAR_MEM64_HI) {
			if (hint->size_known &&
			    topo_warn(topo, err,
				      "%s: BAR %u: the source gives a size but "
				      "config has no BAR there; ignored",
				      where, i))
				return -1;
			continue;
		}
		if (derive_one(topo, fn, i, hint, ea, where, err))
			return -1;
	}
	return 0;
}
