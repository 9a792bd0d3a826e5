/* SPDX-License-Identifier: MIT */
/*
 * SBDF lists from the command line (--guest, --hide, --ro) and where a
 * guest's functions go: whole slots expanded from the topology, explicit
 * "HOST@GUEST" placements honoured, the rest placed on free slots.
 */
#include <stdlib.h>
#include <string.h>

#include "guest_list.h"
#include "script.h"
#include "text.h"

static int list_append(struct sbdf_list *list, vpci_sbdf_t sbdf,
		       const struct guest_entry *entry)
{
	vpci_sbdf_t *grown =
		realloc(list->sbdfs, (list->nr + 1) * sizeof(*grown));
	struct guest_entry *e;

	if (!grown)
		return -1;
	list->sbdfs = grown;
	if (entry || list->entries) {
		e = realloc(list->entries, (list->nr + 1) * sizeof(*e));
		if (!e)
			return -1;
		list->entries = e;
		memset(&e[list->nr], 0, sizeof(*e));
		if (entry)
			e[list->nr] = *entry;
	}
	list->sbdfs[list->nr++] = sbdf;
	return 0;
}

/* A slot: "[[SSSS:]BB:]DD"; min_fields says how many must be given. */
static bool parse_slot(const char *s, unsigned int min_fields,
		       vpci_sbdf_t *slot)
{
	uint64_t v[3] = {0, 0, 0};
	unsigned int n = 0, i;
	const char *f[3], *p = s;
	size_t len[3];
	static const size_t digits[3] = {2, 2, 4}; /* DD, BB, SSSS */

	for (;;) {
		if (n == 3)
			return false;
		f[n] = p;
		p = strchr(p, ':');
		len[n] = p ? (size_t)(p - f[n]) : strlen(f[n]);
		n++;
		if (!p)
			break;
		p++;
	}
	if (n < min_fields)
		return false;
	/* Fields from the right: device, bus, segment. */
	for (i = 0; i < n; i++)
		if (!text_hex_field(f[n - 1 - i], len[n - 1 - i], digits[i],
				    &v[i]))
			return false;
	if (v[0] > 0x1f)
		return false;
	*slot = VPCI_SBDF(v[2], v[1], v[0], 0);
	return true;
}

static int parse_elements(struct sbdf_list *list, const char *arg, bool guest,
			  char *msg, size_t msg_len)
{
	char *copy = strdup(arg), *save = NULL, *t, *at;
	int rc = 0;

	if (!copy) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	if (!*copy || copy[strlen(copy) - 1] == ',' || *copy == ',' ||
	    strstr(copy, ",,")) {
		snprintf(msg, msg_len, "'%s': empty element in SBDF list", arg);
		free(copy);
		return -1;
	}
	for (t = strtok_r(copy, ",", &save); t && !rc;
	     t = strtok_r(NULL, ",", &save)) {
		struct guest_entry e = {false, false, 0};
		vpci_sbdf_t sbdf;

		at = guest ? strchr(t, '@') : NULL;
		if (at)
			*at++ = '\0';
		if (!text_parse_sbdf(t, &sbdf)) {
			e.whole_slot = guest && parse_slot(t, 2, &sbdf);
			if (!e.whole_slot) {
				snprintf(msg, msg_len,
					 "'%s': bad %s (expected SSSS:BB:DD.F "
					 "or BB:DD.F%s)",
					 t, guest ? "SBDF or slot" : "SBDF",
					 guest ? ", or a slot SSSS:BB:DD or "
						 "BB:DD"
					       : "");
				rc = -1;
				break;
			}
		}
		if (at) {
			e.placed = true;
			if (!parse_slot(at, 1, &e.guest_slot)) {
				snprintf(msg, msg_len,
					 "'%s': bad guest slot (expected "
					 "[[SSSS:]BB:]DD, hex)",
					 at);
				rc = -1;
				break;
			}
		}
		if (list_append(list, sbdf, guest ? &e : NULL)) {
			snprintf(msg, msg_len, "out of memory");
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

int sbdf_list_parse(struct sbdf_list *list, const char *arg, char *msg,
		    size_t msg_len)
{
	return parse_elements(list, arg, false, msg, msg_len);
}

int guest_list_parse(struct sbdf_list *list, const char *arg, char *msg,
		     size_t msg_len)
{
	return parse_elements(list, arg, true, msg, msg_len);
}

void sbdf_list_free(struct sbdf_list *list)
{
	free(list->sbdfs);
	free(list->entries);
	list->sbdfs = NULL;
	list->entries = NULL;
	list->nr = 0;
}

static int guest_fn_cmp(const void *a, const void *b)
{
	const struct guest_fn *x = a, *y = b;

	return (x->host > y->host) - (x->host < y->host);
}

static int slot_name(char *buf, size_t len, vpci_sbdf_t slot)
{
	return snprintf(buf, len, "%04x:%02x:%02x", VPCI_SBDF_SEG(slot),
			VPCI_SBDF_BUS(slot), VPCI_SBDF_DEV(slot));
}

/* The --guest list as functions of the topology, sorted by host SBDF. */
int guest_expand(const struct topology *topo, const struct sbdf_list *in,
		 struct guest_fn **out, size_t *nr_out, char *msg,
		 size_t msg_len)
{
	struct guest_fn *fns = NULL, *grown;
	size_t i, j, n = 0;
	char name[32];

	for (i = 0; i < in->nr; i++) {
		const struct guest_entry *e =
			in->entries ? &in->entries[i] : NULL;
		bool whole = e && e->whole_slot;
		size_t before = n;

		for (j = 0; j < topo->nr_fns; j++) {
			vpci_sbdf_t sbdf = topo->fns[j].sbdf;

			if (whole ? (sbdf & ~7u) != in->sbdfs[i]
				  : sbdf != in->sbdfs[i])
				continue;
			grown = realloc(fns, (n + 1) * sizeof(*fns));
			if (!grown) {
				free(fns);
				snprintf(msg, msg_len, "out of memory");
				return -1;
			}
			fns = grown;
			fns[n].host = sbdf;
			fns[n].placed = e && e->placed;
			fns[n].guest_slot = e ? e->guest_slot : 0;
			fns[n].vf = topo->fns[j].attrs.is_vf;
			n++;
		}
		if (n == before) {
			if (whole)
				slot_name(name, sizeof(name), in->sbdfs[i]);
			else
				text_sbdf_str(in->sbdfs[i], name);
			snprintf(msg, msg_len, "--guest %s: no such %s in %s",
				 name, whole ? "slot" : "function",
				 topo->source);
			free(fns);
			return -1;
		}
	}
	qsort(fns, n, sizeof(*fns), guest_fn_cmp);
	*out = fns;
	*nr_out = n;
	return 0;
}

/*
 * Where each host slot goes in the guest: the slot a "HOST@GUEST" gave
 * it, or the next free one on 0000:00 from slot 01 (slot 00 is the
 * guest's emulated host bridge; 32 slots a bus, then the next bus).
 * Fills fns[].guest_slot for every function.
 */
/* Functions of one host slot share a guest slot; a VF has its own. */
static bool same_slot(const struct guest_fn *a, const struct guest_fn *b)
{
	return a == b ||
	       (!a->vf && !b->vf && (a->host & ~7u) == (b->host & ~7u));
}

int guest_place_slots(struct guest_fn *fns, size_t n, char *msg, size_t msg_len)
{
	char a[32], b[32];
	size_t i, j, group;
	unsigned int next_slot = 1; /* slot 0 is the guest's host bridge */

	/* One placement per host slot, one host slot per guest slot. */
	for (group = 0; group < n; group = i) {
		bool placed = false;
		vpci_sbdf_t slot = 0;

		for (i = group; i < n && same_slot(&fns[i], &fns[group]); i++) {
			if (!fns[i].placed)
				continue;
			if (placed && fns[i].guest_slot != slot) {
				slot_name(a, sizeof(a), fns[i].host);
				snprintf(msg, msg_len,
					 "--guest %s: its functions are "
					 "placed at two guest slots",
					 a);
				return -1;
			}
			placed = true;
			slot = fns[i].guest_slot;
		}
		for (j = group; j < i; j++) {
			fns[j].placed = placed;
			fns[j].guest_slot = slot;
		}
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < i && fns[i].placed; j++)
			if (fns[j].placed &&
			    fns[j].guest_slot == fns[i].guest_slot &&
			    !same_slot(&fns[j], &fns[i])) {
				char c[32];

				slot_name(a, sizeof(a), fns[i].host);
				slot_name(b, sizeof(b), fns[i].guest_slot);
				slot_name(c, sizeof(c), fns[j].host);
				snprintf(msg, msg_len,
					 "--guest %s@%s: guest slot %s is "
					 "already given to %s",
					 a, b, b, c);
				return -1;
			}
	for (group = 0; group < n; group = i) {
		vpci_sbdf_t slot;

		for (i = group + 1; i < n && same_slot(&fns[i], &fns[group]);
		     i++)
			;
		if (fns[group].placed)
			continue;
		for (;;) {
			if (next_slot >= 32u * 256u) {
				snprintf(msg, msg_len,
					 "--guest: more than 8191 slots "
					 "needed in the guest's segment");
				return -1;
			}
			slot = VPCI_SBDF(0, next_slot / 32u, next_slot % 32u,
					 0);
			next_slot++;
			for (j = 0; j < n; j++)
				if (fns[j].placed && fns[j].guest_slot == slot)
					break;
			if (j == n)
				break; /* not taken by a placed slot */
		}
		for (j = group; j < i; j++)
			fns[j].guest_slot = slot;
	}
	return 0;
}
