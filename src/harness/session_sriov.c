/* SPDX-License-Identifier: MIT */
/*
 * SR-IOV in a replay session: `--vfs PF=N` makes the hardware domain
 * enable N virtual functions of PF at set-up, the way Linux's
 * sriov_numvfs does (NumVFs, then VF Enable and VF Memory Space Enable,
 * through vPCI like any of its config writes), and the VFs that then
 * exist join the topology, so dumps, exports, stats and --guest see them
 * like any function. VFs a script enables later, or that the input shows
 * enabled, exist for the core and the hardware model (and `mr`/`mw`
 * reach them), not in the session's function list: that is fixed at
 * set-up, and is the input's functions plus the --vfs VFs.
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

static bool named(const struct session_options *opt, vpci_sbdf_t pf)
{
	size_t i;

	for (i = 0; i < opt->nr_vfs; i++)
		if (opt->vfs[i].pf == pf)
			return true;
	return false;
}

/* The VFs of the --vfs PFs join the topology. (VFs a capture shows
 * enabled exist too, for the core and the model, but the functions
 * listed stay those of the input file.) */
static int add_vfs(struct session *s, const struct session_options *opt,
		   char *msg, size_t msg_len)
{
	struct topo_error err = {{0}};
	size_t i, before = s->topo.nr_fns;
	unsigned int n;

	for (i = 0; i < s->hw.nr_pfs; i++) {
		const struct hwmodel_pf *pf = &s->hw.pfs[i];

		for (n = 0; named(opt, pf->sbdf) && n < pf->nr_vfs; n++) {
			const struct hwmodel_fn *vf = &pf->vfs[n];
			struct topo_fn *fn;

			if (topology_find(&s->topo, vf->sbdf))
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
		}
	}
	/* topology_find() needs the order back. */
	if (s->topo.nr_fns != before && topo_finish(&s->topo, &err)) {
		snprintf(msg, msg_len, "%s", err.msg);
		return -1;
	}
	return 0;
}

int session_sriov_setup(struct session *s, const struct session_options *opt,
			char *msg, size_t msg_len)
{
	size_t i;

	for (i = 0; i < opt->nr_vfs; i++)
		if (enable_one(s, &opt->vfs[i], msg, msg_len))
			return -1;
	return add_vfs(s, opt, msg, msg_len);
}
