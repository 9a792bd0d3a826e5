/* SPDX-License-Identifier: MIT */
/*
 * SR-IOV in a replay session: `--vfs PF=N` makes the hardware domain
 * enable N virtual functions of PF at set-up, the way Linux's
 * sriov_numvfs does (NumVFs, then VF Enable and VF Memory Space Enable,
 * through vPCI like any of its config writes), and the VFs that then
 * exist join the topology, so dumps, exports, stats and --guest see them
 * like any function. So do VFs the input shows enabled (an lspci dump
 * lists only the PF, but the core and the model have its VFs), and, in a
 * hardware domain session, VFs a script enables or disables: after each
 * script step that made VFs come or go, the topology's VFs are made the
 * model's again and the session lists its functions anew. A guest
 * session's list stays the functions given at set-up.
 */
#include <stdlib.h>
#include <string.h>

#include "hwmodel.h"
#include "session_sriov.h"
#include "text.h"
#include "topology_internal.h"

#define SRIOV_ID 0x0010u
#define SRIOV_CTRL 0x08u
#define SRIOV_TOTAL 0x0eu
#define SRIOV_NUM 0x10u
#define CTRL_VFE 0x01u
#define CTRL_MSE 0x08u

int session_vfs_parse(struct session_vfs **list, size_t *nr, const char *arg,
		      char *msg, size_t msg_len)
{
	const char *eq = strchr(arg, '=');
	char sbdf_text[32], *end;
	struct session_vfs *grown;
	unsigned long n;
	vpci_sbdf_t pf;

	if (!eq || (size_t)(eq - arg) >= sizeof(sbdf_text)) {
		snprintf(msg, msg_len, "'%s': expected PF=N ([SSSS:]BB:DD.F=N)",
			 arg);
		return -1;
	}
	memcpy(sbdf_text, arg, (size_t)(eq - arg));
	sbdf_text[eq - arg] = '\0';
	if (!text_parse_sbdf(sbdf_text, &pf)) {
		snprintf(msg, msg_len, "'%s': bad SBDF '%s' (expected "
			 "SSSS:BB:DD.F)", arg, sbdf_text);
		return -1;
	}
	n = strtoul(eq + 1, &end, 10);
	if (!eq[1] || *end || n == 0 || n > 0xffff) {
		snprintf(msg, msg_len, "'%s': N must be a number of VFs from 1 "
			 "to 65535", arg);
		return -1;
	}
	grown = realloc(*list, (*nr + 1) * sizeof(**list));
	if (!grown) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	*list = grown;
	grown[*nr].pf = pf;
	grown[*nr].nr = (unsigned int)n;
	(*nr)++;
	return 0;
}

static unsigned int sriov_pos(const struct topo_fn *fn)
{
	struct topo_cap *caps = calloc(TOPO_MAX_EXT_CAPS, sizeof(*caps));
	unsigned int pos = 0;
	size_t nr, i;

	if (!caps)
		return 0;
	nr = topo_fn_is_pcie(fn) ? topo_ext_caps(fn, caps, TOPO_MAX_EXT_CAPS)
				 : 0;
	for (i = 0; i < nr && !pos; i++)
		if (caps[i].id == SRIOV_ID)
			pos = caps[i].offset;
	free(caps);
	return pos;
}

static int enable_one(struct session *s, const struct session_vfs *req,
		      char *msg, size_t msg_len)
{
	char name[TEXT_SBDF_STRLEN];
	const struct topo_fn *fn = topology_find(&s->topo, req->pf);
	unsigned int pos = fn ? sriov_pos(fn) : 0, total;

	text_sbdf_str(req->pf, name);
	if (!pos) {
		snprintf(msg, msg_len, "--vfs %s: %s", name,
			 fn ? "not an SR-IOV physical function"
			    : "no such function");
		return -1;
	}
	total = vpci_read(s->hwdom, req->pf, pos + SRIOV_TOTAL, 2);
	if (req->nr > total) {
		snprintf(msg, msg_len, "--vfs %s=%u: its TotalVFs is %u", name,
			 req->nr, total);
		return -1;
	}
	vpci_write(s->hwdom, req->pf, pos + SRIOV_CTRL, 2, 0);
	vpci_write(s->hwdom, req->pf, pos + SRIOV_NUM, 2, req->nr);
	vpci_write(s->hwdom, req->pf, pos + SRIOV_CTRL, 2, CTRL_VFE | CTRL_MSE);
	if (!(vpci_read(s->hwdom, req->pf, pos + SRIOV_CTRL, 2) & CTRL_VFE)) {
		snprintf(msg, msg_len,
			 "--vfs %s=%u: VF Enable was refused (the log says "
			 "why)",
			 name, req->nr);
		return -1;
	}
	return 0;
}

/* A function of the input file (the model holds those, sorted, in fns;
 * its VFs apart). */
static bool from_input(const struct hwmodel *hw, vpci_sbdf_t sbdf)
{
	size_t lo = 0, hi = hw->nr_fns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (hw->fns[mid].sbdf == sbdf)
			return true;
		if (hw->fns[mid].sbdf < sbdf)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Drop the listed VFs the model no longer has (VF Enable cleared).
 * Keeps the order, so the topology stays sorted. */
static bool drop_gone_vfs(struct session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->topo.nr_fns; i++) {
		vpci_sbdf_t sbdf = s->topo.fns[i].sbdf;

		if (from_input(&s->hw, sbdf) || hwmodel_sriov_find(&s->hw, sbdf))
			s->topo.fns[n++] = s->topo.fns[i];
	}
	if (n == s->topo.nr_fns)
		return false;
	s->topo.nr_fns = n;
	return true;
}

static int fn_cmp(const void *a, const void *b)
{
	const struct topo_fn *x = a, *y = b;

	if (x->sbdf != y->sbdf)
		return (x->sbdf > y->sbdf) - (x->sbdf < y->sbdf);
	/* The same routing ID from two PFs: the lower PF first. */
	return (x->attrs.physfn > y->attrs.physfn) -
	       (x->attrs.physfn < y->attrs.physfn);
}

/* Sort what was appended into place, keeping one function per SBDF: two
 * PFs whose VF ranges overlap (a hostile or broken capture) must not
 * list a routing ID twice; the one kept is the lower PF's, the VF the
 * model answers for (hwmodel_sriov_find() looks in PF order). */
static void sort_unique(struct topology *topo)
{
	size_t i, n = 1;

	if (topo->nr_fns < 2)
		return;
	qsort(topo->fns, topo->nr_fns, sizeof(*topo->fns), fn_cmp);
	for (i = 1; i < topo->nr_fns; i++)
		if (topo->fns[i].sbdf != topo->fns[n - 1].sbdf)
			topo->fns[n++] = topo->fns[i];
	topo->nr_fns = n;
}

/* Append the model's VFs the topology does not list yet (its first
 * `sorted` entries are sorted). */
static int add_new_vfs(struct session *s, size_t sorted, char *msg,
		       size_t msg_len)
{
	struct topology head = s->topo;
	struct topo_error err = {{0}};
	size_t i;
	unsigned int n;
	int added = 0;

	for (i = 0; i < s->hw.nr_pfs; i++) {
		const struct hwmodel_pf *pf = &s->hw.pfs[i];

		for (n = 0; n < pf->nr_vfs; n++) {
			const struct hwmodel_fn *vf = &pf->vfs[n];
			struct topo_fn *fn;

			head.fns = s->topo.fns; /* topo_add_fn may move them */
			head.nr_fns = sorted;
			if (topology_find(&head, vf->sbdf))
				continue;
			fn = topo_add_fn(&s->topo, vf->sbdf, &err);
			if (!fn) {
				snprintf(msg, msg_len, "%s", err.msg);
				return -1;
			}
			fn->config_len = TOPO_CONFIG_MAX;
			memcpy(fn->config, vf->cfg, TOPO_CONFIG_MAX);
			fn->attrs.is_vf = true;
			fn->attrs.physfn = pf->sbdf;
			added = 1;
		}
	}
	return added;
}

int session_sriov_sync(struct session *s, char *msg, size_t msg_len)
{
	bool dropped;
	int added;

	if (s->guest || s->vf_changes_seen == s->hw.vf_changes)
		return 0;
	s->vf_changes_seen = s->hw.vf_changes;
	dropped = drop_gone_vfs(s);
	added = add_new_vfs(s, s->topo.nr_fns, msg, msg_len);
	if (added < 0)
		return -1;
	if (added)
		sort_unique(&s->topo);
	return dropped || added;
}

int session_sriov_setup(struct session *s, const struct session_options *opt,
			char *msg, size_t msg_len)
{
	size_t i;

	for (i = 0; i < opt->nr_vfs; i++)
		if (enable_one(s, &opt->vfs[i], msg, msg_len))
			return -1;
	/* Every VF that now exists joins, --vfs ones and those the input
	 * shows enabled alike (even with a guest: --guest may name one). */
	s->vf_changes_seen = s->hw.vf_changes - 1u;
	return session_sriov_sync(s, msg, msg_len) < 0 ? -1 : 0;
}
