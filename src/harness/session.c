/* SPDX-License-Identifier: MIT */
/*
 * Building a replay session (see session.h): topology → hardware model →
 * vPCI host with every function → hidden/read-only marks → hardware domain
 * (domid 0) → optional guest (domid 1) with its devices assigned at
 * virtual SBDFs. Also the host-SBDF translation every subcommand uses.
 *
 * Virtual SBDFs: the guest's devices are grouped by physical slot
 * (segment, bus, device); each group gets the next virtual slot on
 * 0000:00, from 01 upward in host SBDF order (slot 00 is the guest's
 * emulated host bridge), and keeps its function numbers, so a
 * multi-function device stays one multi-function device.
 * The accesses made through a session are session_access.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "guest_list.h"
#include "script.h"
#include "session.h"
#include "session_sriov.h"
#include "text.h"
#include "vpci/pci_regs.h"

#define UNKNOWN_SIZE_LIST  4

/* -------------------------------------------------------------- options */

/* ------------------------------------------------------------- messages */

static void print_warnings(const struct topology *topo)
{
	size_t i;

	for (i = 0; i < topo->nr_warnings; i++)
		fprintf(stderr, "vpci-harness: warning: %s\n",
			topo->warnings[i].msg);
}

/* One line for all BARs whose size the source did not give: the hardware
 * model makes them unimplemented, which a reader must know. */
static void note_unknown_sizes(const struct topology *topo)
{
	char list[UNKNOWN_SIZE_LIST * 32] = "", name[TEXT_SBDF_STRLEN];
	size_t i, nr = 0, used = 0;
	unsigned int b;

	for (i = 0; i < topo->nr_fns; i++) {
		const struct topo_fn *fn = &topo->fns[i];

		for (b = 0; b < TOPO_NR_BARS; b++) {
			const struct topo_bar *bar = &fn->bars[b];

			if (bar->kind == TOPO_BAR_NONE ||
			    bar->kind == TOPO_BAR_MEM64_HI || bar->size_known)
				continue;
			if (nr++ >= UNKNOWN_SIZE_LIST)
				continue;
			text_sbdf_str(fn->sbdf, name);
			if (b == TOPO_ROM_INDEX)
				used += (size_t)snprintf(
					list + used, sizeof(list) - used,
					"%s%s ROM", nr > 1 ? ", " : "", name);
			else
				used += (size_t)snprintf(
					list + used, sizeof(list) - used,
					"%s%s BAR%u", nr > 1 ? ", " : "", name,
					b);
		}
	}
	if (!nr)
		return;
	fprintf(stderr,
		"vpci-harness: warning: %s: no size known for %zu BAR%s "
		"(%s%s); replayed as "
		"unimplemented (reads 0, sizes to 0)\n",
		topo->source, nr, nr == 1 ? "" : "s", list,
		nr > UNKNOWN_SIZE_LIST ? ", ..." : "");
}

/* -------------------------------------------------------------- helpers */

static int check_in_topology(const struct session *s,
			     const struct sbdf_list *list, const char *option,
			     char *msg, size_t msg_len)
{
	char name[TEXT_SBDF_STRLEN];
	size_t i;

	for (i = 0; i < list->nr; i++)
		if (!topology_find(&s->topo, list->sbdfs[i])) {
			snprintf(msg, msg_len, "%s %s: no such function in %s",
				 option, text_sbdf_str(list->sbdfs[i], name),
				 s->topo.source);
			return -1;
		}
	return 0;
}

static int mark_devices(struct session *s, const struct session_options *opt,
			char *msg, size_t msg_len)
{
	char name[TEXT_SBDF_STRLEN];
	size_t i;
	int rc;

	for (i = 0; i < opt->hide.nr; i++) {
		rc = vpci_device_hide(s->host, opt->hide.sbdfs[i], NULL);
		if (rc) {
			snprintf(msg, msg_len, "--hide %s: %s",
				 text_sbdf_str(opt->hide.sbdfs[i], name),
				 vpci_strerror(rc));
			return -1;
		}
	}
	for (i = 0; i < opt->ro.nr; i++) {
		rc = vpci_device_set_readonly(s->host, opt->ro.sbdfs[i], NULL);
		if (rc) {
			snprintf(msg, msg_len, "--ro %s: %s",
				 text_sbdf_str(opt->ro.sbdfs[i], name),
				 vpci_strerror(rc));
			return -1;
		}
	}
	return 0;
}

static int create_domain(struct session *s, uint32_t domid,
			 enum vpci_domain_kind kind, uint32_t flags,
			 enum vpci_tristate vpci, struct vpci_domain **out,
			 char *msg, size_t msg_len)
{
	struct vpci_domain_config cfg = {
		.domid = domid,
		.kind = kind,
		.flags = flags,
		.msi = VPCI_TRI_DEFAULT,
		.msix = VPCI_TRI_DEFAULT,
		.vpci = vpci,
	};
	const char *reason = NULL;
	int rc = vpci_domain_create(s->host, &cfg, out, &reason);

	if (rc)
		snprintf(msg, msg_len, "cannot create %s (domid %u): %s",
			 kind == VPCI_DOMAIN_HARDWARE ? "the hardware domain"
						      : "the guest",
			 domid, reason ? reason : vpci_strerror(rc));
	return rc ? -1 : 0;
}

/* Header type 0 is the only kind a guest can be given (bridges and
 * CardBus bridges stay with the hardware domain). */
static bool assignable(const struct topo_fn *fn)
{
	return (fn->config[VPCI_REG_HEADER_TYPE] & VPCI_HEADER_TYPE_MASK) == 0;
}

/*
 * Assign the --guest functions. On success *host_out holds them sorted by
 * host SBDF and *virt_out their virtual SBDFs beside them (both malloc'd),
 * *nr_out how many.
 */
static int assign_guest_devices(struct session *s,
				const struct sbdf_list *guest,
				vpci_sbdf_t **host_out, vpci_sbdf_t **virt_out,
				size_t *nr_out, char *msg, size_t msg_len)
{
	const char *reason = NULL;
	char name[TEXT_SBDF_STRLEN];
	struct guest_fn *fns;
	vpci_sbdf_t *host, *virt;
	size_t i, n;
	int rc = 0;

	if (guest_expand(&s->topo, guest, &fns, &n, msg, msg_len))
		return -1;
	for (i = 1; i < n; i++)
		if (fns[i].host == fns[i - 1].host) {
			snprintf(msg, msg_len, "--guest %s: given twice",
				 text_sbdf_str(fns[i].host, name));
			free(fns);
			return -1;
		}
	if (guest_place_slots(fns, n, msg, msg_len)) {
		free(fns);
		return -1;
	}
	host = malloc((n ? n : 1) * sizeof(*host));
	virt = malloc((n ? n : 1) * sizeof(*virt));
	for (i = 0; i < n && host && virt && !rc; i++) {
		const struct topo_fn *fn = topology_find(&s->topo, fns[i].host);

		text_sbdf_str(fns[i].host, name);
		host[i] = fns[i].host;
		virt[i] = fns[i].guest_slot |
			  (fns[i].vf ? 0u : VPCI_SBDF_FN(fns[i].host));
		rc = -1;
		if (!assignable(fn)) {
			snprintf(msg, msg_len,
				 "--guest %s: header type %u is not an "
				 "endpoint; only type-0 functions can be "
				 "assigned",
				 name, fn->config[VPCI_REG_HEADER_TYPE] & VPCI_HEADER_TYPE_MASK);
			break;
		}
		rc = vpci_assign_device(s->guest, host[i], virt[i], &reason);
		if (rc) {
			snprintf(msg, msg_len, "--guest %s: cannot assign: %s",
				 name, reason ? reason : vpci_strerror(rc));
			rc = -1;
		}
	}
	free(fns);
	if (!host || !virt) {
		snprintf(msg, msg_len, "out of memory");
		rc = -1;
	}
	if (rc) {
		free(host);
		free(virt);
		return -1;
	}
	*host_out = host;
	*virt_out = virt;
	*nr_out = n;
	return 0;
}

static int fn_dom_cmp(const void *a, const void *b)
{
	const struct session_fn *x = a, *y = b;

	return (x->dom_sbdf > y->dom_sbdf) - (x->dom_sbdf < y->dom_sbdf);
}

/*
 * A guest given functions of a slot but not its function 0 sees the
 * core's stub function 0 there: list it too (it has no host SBDF of its
 * own, so only dumps and exports show it).
 */
static void add_stubs(struct session *s)
{
	size_t i, n = s->nr_view;

	for (i = 0; i < n; i++) {
		vpci_sbdf_t fn0 = s->view[i].dom_sbdf & ~7u;
		struct session_fn *stub;

		if (VPCI_SBDF_FN(s->view[i].dom_sbdf) == 0 ||
		    (i > 0 && (s->view[i - 1].dom_sbdf & ~7u) == fn0) ||
		    vpci_read(s->target, fn0, 0, 2) == 0xffffu)
			continue;
		stub = &s->view_by_dom[s->nr_view_by_dom++];
		stub->host_sbdf = s->view[i].host_sbdf & ~7u;
		stub->dom_sbdf = fn0;
		stub->topo = NULL;
		stub->stub = true;
	}
}

/* Keep in view_by_dom only what -s/-d pick, by what the domain sees. */
static void select_shown(struct session *s)
{
	size_t i, n = 0;
	uint8_t id[12];
	unsigned int off;

	for (i = 0; i < s->nr_view_by_dom; i++) {
		vpci_sbdf_t sbdf = s->view_by_dom[i].dom_sbdf;

		for (off = 0; off < sizeof(id); off += 4) {
			uint32_t v = session_dom_read(s, sbdf, off, 4);
			unsigned int b;

			for (b = 0; b < 4; b++)
				id[off + b] = (uint8_t)(v >> (8 * b));
		}
		if (selector_match(&s->select, sbdf, id))
			s->view_by_dom[n++] = s->view_by_dom[i];
	}
	s->nr_view_by_dom = n;
}

static size_t nr_emulated(const struct session *s)
{
	return 1 + s->emulate->nr; /* the host bridge, --emulate */
}

static void add_emulated_fn(struct session *s, vpci_sbdf_t sbdf)
{
	struct session_fn *fn = &s->view_by_dom[s->nr_view_by_dom++];

	fn->host_sbdf = sbdf;
	fn->dom_sbdf = sbdf;
	fn->topo = NULL;
	fn->emulated = true;
}

/* Functions with no host SBDF: the guest's emulated host bridge (when it
 * has one) and the --emulate functions. Listed so that dumps and exports
 * show them too. */
static void add_emulated(struct session *s)
{
	size_t i;

	if (vpci_read(s->target, VPCI_BRIDGE_SBDF, 0, 2) != 0xffffu)
		add_emulated_fn(s, VPCI_BRIDGE_SBDF);
	for (i = 0; i < s->emulate->nr; i++)
		add_emulated_fn(s, s->emulate->fns[i]->sbdf);
}

/* Register the --emulate functions with the guest. */
static int register_emulators(struct session *s, char *msg, size_t msg_len)
{
	char name[TEXT_SBDF_STRLEN];
	const char *reason = NULL;
	size_t i;
	int rc;

	for (i = 0; i < s->emulate->nr; i++) {
		struct emu_fn *fn = s->emulate->fns[i];

		rc = vpci_register_emulator(s->guest, fn->sbdf, &emulate_ops,
					    fn, &reason);
		if (rc) {
			snprintf(msg, msg_len,
				 "--emulate %s: cannot register: %s",
				 text_sbdf_str(fn->sbdf, name),
				 reason ? reason : vpci_strerror(rc));
			return -1;
		}
	}
	return 0;
}

/* A guest is replayed for its devices, its emulators, or its bridge. */
static bool wants_guest(const struct session_options *opt)
{
	return opt->guest.nr || opt->emulate.nr || opt->bridge_only;
}

/* Passthrough asks for vPCI (so a host without it says why); emulators
 * alone take the default; --bridge-only refuses it. */
static enum vpci_tristate guest_vpci(const struct session_options *opt)
{
	if (opt->bridge_only)
		return VPCI_TRI_NO;
	return opt->guest.nr ? VPCI_TRI_YES : VPCI_TRI_DEFAULT;
}

static int set_policy(struct session *s, uint32_t policy, char *msg,
		      size_t msg_len)
{
	int rc = vpci_host_set_policy(s->host, policy);

	if (rc)
		snprintf(msg, msg_len, "--policy: %s", vpci_strerror(rc));
	return rc ? -1 : 0;
}

/* The functions the replayed domain sees, in both orders. For a guest,
 * host[] (sorted) and virt[] are its n devices. */
static int build_view(struct session *s, const vpci_sbdf_t *host,
		      const vpci_sbdf_t *virt, size_t n, char *msg,
		      size_t msg_len)
{
	size_t i;

	if (!s->guest)
		n = s->topo.nr_fns;
	s->view = calloc(n ? n : 1, sizeof(*s->view));
	/* Room for one stub function 0 per function, at worst, and the
	 * guest's emulated functions (its host bridge). */
	s->view_by_dom = calloc(2 * n + nr_emulated(s),
				sizeof(*s->view_by_dom));
	if (!s->view || !s->view_by_dom) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct session_fn *v = &s->view[i];

		v->host_sbdf = s->guest ? host[i] : s->topo.fns[i].sbdf;
		v->dom_sbdf = s->guest ? virt[i] : v->host_sbdf;
		v->topo = topology_find(&s->topo, v->host_sbdf);
	}
	s->nr_view = n;
	memcpy(s->view_by_dom, s->view, n * sizeof(*s->view));
	s->nr_view_by_dom = n;
	if (s->guest) {
		add_stubs(s);
		add_emulated(s);
	}
	qsort(s->view_by_dom, s->nr_view_by_dom, sizeof(*s->view_by_dom),
	      fn_dom_cmp);
	select_shown(s);
	return 0;
}

/* One ECAM window per segment the replayed domain sees, so scripts can
 * reach config space by address (mr/mw) as the domain's OS would. */
static int add_ecam_windows(struct session *s, char *msg, size_t msg_len)
{
	size_t i;

	/* The whole view, not only the functions a selection shows; sorted
	 * by host SBDF, so a hardware domain's segments come grouped (a
	 * guest's are all 0). */
	for (i = 0; i < s->nr_view; i++) {
		uint16_t seg = VPCI_SBDF_SEG(s->view[i].dom_sbdf);
		int rc;

		if (i > 0 && VPCI_SBDF_SEG(s->view[i - 1].dom_sbdf) == seg)
			continue;
		rc = vpci_domain_add_ecam(s->target,
					  SESSION_ECAM_BASE +
						  seg * SESSION_ECAM_SEG_STRIDE,
					  seg, 0, 255, NULL);
		if (rc == VPCI_ENOSPC)
			break; /* more segments than windows: the rest by SBDF */
		if (rc) {
			snprintf(msg, msg_len,
				 "cannot add an ECAM window for segment %04x: %s",
				 seg, vpci_strerror(rc));
			return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------- public API */

static int open_steps(struct session *s, const char *path,
		      const struct session_options *opt, char *msg,
		      size_t msg_len)
{
	struct topo_error err = {{0}};
	char name[TEXT_SBDF_STRLEN];
	vpci_sbdf_t *host = NULL, *virt = NULL;
	size_t i, nr_guest = 0;
	int rc;

	if (topology_load(path, &s->topo, &err)) {
		snprintf(msg, msg_len, "%s", err.msg);
		return -1;
	}
	if (check_in_topology(s, &opt->hide, "--hide", msg, msg_len) ||
	    check_in_topology(s, &opt->ro, "--ro", msg, msg_len))
		return -1;
	if (hwmodel_init(&s->hw, &s->topo)) {
		snprintf(msg, msg_len, "%s: out of memory", path);
		return -1;
	}
	replay_platform_init(&s->plat, &s->hw);
	s->plat.listener = opt->listener;
	s->plat.listener_arg = opt->listener_arg;
	if (opt->trace) {
		session_set_trace(s, opt->trace_out ? opt->trace_out : stdout);
		s->plat.trace_domid =
			wants_guest(opt) ? SESSION_GUEST_ID : SESSION_HWDOM_ID;
	}
	rc = vpci_host_create(&replay_platform_ops, &s->plat, opt->host_limits,
			      &s->host);
	if (rc) {
		snprintf(msg, msg_len, "cannot create the vPCI host: %s",
			 vpci_strerror(rc));
		return -1;
	}
	for (i = 0; i < s->topo.nr_fns; i++) {
		rc = vpci_device_add(s->host, s->topo.fns[i].sbdf);
		if (rc) {
			snprintf(msg, msg_len, "%s: %s: cannot add: %s", path,
				 text_sbdf_str(s->topo.fns[i].sbdf, name),
				 vpci_strerror(rc));
			return -1;
		}
	}
	if (mark_devices(s, opt, msg, msg_len) ||
	    set_policy(s, opt->policy, msg, msg_len) ||
	    create_domain(s, SESSION_HWDOM_ID, VPCI_DOMAIN_HARDWARE, 0,
			  VPCI_TRI_DEFAULT, &s->hwdom, msg, msg_len))
		return -1;
	s->target = s->hwdom;
	/* VFs (--vfs, or enabled in the capture) join the topology before
	 * --guest may name them. */
	if (session_sriov_setup(s, opt, msg, msg_len))
		return -1;
	if (wants_guest(opt)) {
		if (create_domain(s, SESSION_GUEST_ID, VPCI_DOMAIN_GUEST,
				  VPCI_DOMAIN_F_HOST_BRIDGE, guest_vpci(opt),
				  &s->guest, msg, msg_len) ||
		    (opt->guest.nr &&
		     assign_guest_devices(s, &opt->guest, &host, &virt,
					  &nr_guest, msg, msg_len)))
			return -1;
		s->target = s->guest;
		if (register_emulators(s, msg, msg_len)) {
			free(host);
			free(virt);
			return -1;
		}
	}
	s->addr_by_dom = opt->guest_sbdf;
	s->select = opt->select;
	rc = build_view(s, host, virt, nr_guest, msg, msg_len);
	if (!rc)
		rc = add_ecam_windows(s, msg, msg_len);
	free(host);
	free(virt);
	/* Only once the session stands: an error stays a single line. */
	if (!rc) {
		print_warnings(&s->topo);
		note_unknown_sizes(&s->topo);
	}
	return rc;
}

int session_open(struct session *s, const char *path,
		 const struct session_options *opt, char *msg, size_t msg_len)
{
	memset(s, 0, sizeof(*s));
	/* The emulators are the options' (session_options.emulate); the
	 * session drives them, queueing their requests there. */
	s->emulate = (struct emulators *)&opt->emulate;
	if (open_steps(s, path, opt, msg, msg_len)) {
		session_close(s);
		return -1;
	}
	return 0;
}

FILE *session_set_trace(struct session *s, FILE *out)
{
	FILE *was = s->plat.trace_out;

	s->plat.trace_out = out;
	return was;
}

FILE *session_trace_out(const struct session *s)
{
	return s->plat.trace_out;
}

void session_close(struct session *s)
{
	if (!s)
		return;
	/* Tearing the host down unmaps what is mapped; that is the harness
	 * exiting, not something the replayed domain did. */
	session_set_trace(s, NULL);
	vpci_host_destroy(s->host);
	hwmodel_free(&s->hw);
	topology_free(&s->topo);
	free(s->view);
	free(s->view_by_dom);
	memset(s, 0, sizeof(*s));
}

const struct session_fn *session_lookup(const struct session *s,
					vpci_sbdf_t host_sbdf)
{
	size_t lo = 0, hi = s->nr_view;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->view[mid].host_sbdf == host_sbdf)
			return &s->view[mid];
		if (s->view[mid].host_sbdf < host_sbdf)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The hardware domain's functions changed (VFs came or went): list them
 * anew, as session_open() did. */
static int relist(struct session *s, char *msg, size_t msg_len)
{
	free(s->view);
	free(s->view_by_dom);
	s->view = NULL;
	s->view_by_dom = NULL;
	s->nr_view = 0;
	s->nr_view_by_dom = 0;
	return build_view(s, NULL, NULL, 0, msg, msg_len);
}

int session_step(struct session *s, bool all, FILE *out, char *msg,
		 size_t msg_len)
{
	int rc;

	/* Without emulators nothing is owed (and opt may be read-only). */
	if (s->guest && s->emulate->nr)
		emulators_step(s->emulate, s->target, all, out);
	rc = session_sriov_sync(s, msg, msg_len);
	if (rc > 0)
		rc = relist(s, msg, msg_len);
	return rc < 0 ? -1 : 0;
}
