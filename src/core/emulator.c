/* SPDX-License-Identifier: MIT */
/*
 * External emulators (ioreq servers): purely virtual functions registered
 * at a guest SBDF, and the requests in flight to any emulator, virtual
 * function or assigned one (vpci_assign_external()), answered now or
 * later through vpci_emulator_complete().
 *
 * Requests live in a fixed table per domain, so no access allocates. A
 * token is (sequence << 5 | slot): the slot finds the request in O(1),
 * the sequence makes a stale or forged token miss instead of hitting a
 * later request that reuses the slot.
 */
#include "internal.h"

#define TOKEN_SLOT_BITS 5u
#define TOKEN_SLOT_MASK ((1u << TOKEN_SLOT_BITS) - 1u)

_Static_assert(VPCI_MAX_REQUESTS_IN_FLIGHT == 1u << TOKEN_SLOT_BITS,
	       "token slot bits must cover the request table");

static void set_reason(const char **reason, const char *why)
{
	if (reason)
		*reason = why;
}

/* ----------------------------------------------------------- requests */

static struct vpci_emu_request *request_find(struct vpci_domain *dom,
					     uint64_t token)
{
	struct vpci_emu_request *req = &dom->requests[token & TOKEN_SLOT_MASK];

	return token && req->token == token ? req : NULL;
}

/*
 * Send the request's parts to its emulator until one goes pending or all
 * are answered. A failed part reads all-ones and drops its write.
 */
static int request_run(struct vpci_domain *dom, struct vpci_emu_request *req)
{
	const struct vpci_dev *fn = req->fn;
	/* ops->: the integrator's emulator, not core code. */
	const struct vpci_emulator_ops *ops = fn->emulator;
	vpci_sbdf_t sbdf = fn->virtual_fn ? fn->sbdf : fn->guest_sbdf;
	unsigned int nr_parts = req->size == 8 ? 2u : 1u;

	(void)dom;
	while (req->part < nr_parts) {
		unsigned int size = req->size == 8 ? 4u : req->size;
		unsigned int shift = req->part * 32u;
		unsigned int reg = req->reg + req->part * 4u;
		uint32_t part_val = vpci_size_mask(size);
		int rc;

		if (req->write)
			rc = ops->write(fn->emulator_arg, sbdf, reg, size,
					(uint32_t)(req->val >> shift) &
						vpci_size_mask(size),
					req->token);
		else
			rc = ops->read(fn->emulator_arg, sbdf, reg, size,
				       req->token, &part_val);
		if (rc == VPCI_EPENDING)
			return rc;
		if (!req->write) {
			if (rc)
				part_val = vpci_size_mask(size);
			req->val |= (uint64_t)(part_val & vpci_size_mask(size))
				    << shift;
		}
		req->part++;
	}
	return 0;
}

int vpci_emu_access(struct vpci_domain *dom, struct vpci_dev *fn,
		    vpci_sbdf_t guest_sbdf, unsigned int reg, unsigned int size,
		    bool write, uint64_t *val, uint64_t *token)
{
	struct vpci_emu_request *req = NULL;
	unsigned int i;
	int rc;

	(void)guest_sbdf;
	for (i = 0; i < VPCI_MAX_REQUESTS_IN_FLIGHT && !req; i++)
		if (!dom->requests[i].token)
			req = &dom->requests[i];
	if (!req) {
		if (!write)
			*val = size >= 8 ? UINT64_MAX : vpci_size_mask(size);
		return VPCI_EBUSY;
	}
	dom->request_seq++;
	*req = (struct vpci_emu_request){
		.token = dom->request_seq << TOKEN_SLOT_BITS |
			 (uint64_t)(req - dom->requests),
		.fn = fn,
		.val = write ? *val : 0,
		.reg = (uint16_t)reg,
		.size = (uint8_t)size,
		.write = write,
	};
	rc = request_run(dom, req);
	if (rc == VPCI_EPENDING) {
		*token = req->token;
		return rc;
	}
	if (!write)
		*val = req->val;
	req->token = 0;
	return 0;
}

void vpci_emu_cancel(struct vpci_domain *dom, uint64_t token)
{
	struct vpci_emu_request *req = request_find(dom, token);
	/* ops->: the integrator's emulator, not core code. */
	const struct vpci_emulator_ops *ops = req ? req->fn->emulator : NULL;

	if (!req)
		return;
	if (ops->cancel)
		ops->cancel(req->fn->emulator_arg, token);
	req->token = 0;
}

void vpci_emu_cancel_fn(struct vpci_domain *dom, const struct vpci_dev *fn)
{
	unsigned int i;

	for (i = 0; i < VPCI_MAX_REQUESTS_IN_FLIGHT; i++)
		if (dom->requests[i].token &&
		    (!fn || dom->requests[i].fn == fn))
			vpci_emu_cancel(dom, dom->requests[i].token);
}

unsigned int vpci_emu_in_flight(const struct vpci_domain *dom)
{
	unsigned int i, n = 0;

	for (i = 0; i < VPCI_MAX_REQUESTS_IN_FLIGHT; i++)
		n += dom->requests[i].token != 0;
	return n;
}

int vpci_emulator_complete(struct vpci_domain *dom, uint64_t token,
			   uint32_t value, uint64_t *result)
{
	struct vpci_emu_request *req;
	int rc = VPCI_ENOENT;

	if (!dom)
		return VPCI_EINVAL;
	vpci_lock(dom->host);
	req = request_find(dom, token);
	if (req) {
		unsigned int size = req->size == 8 ? 4u : req->size;

		if (!req->write)
			req->val |= (uint64_t)(value & vpci_size_mask(size))
				    << (req->part * 32u);
		req->part++;
		rc = request_run(dom, req);
		if (!rc) {
			if (result)
				*result = req->write ? 0 : req->val;
			req->token = 0;
		}
	}
	vpci_unlock(dom->host);
	return rc;
}

/* ---------------------------------------------------- virtual functions */

/* Why sbdf's slot cannot take a virtual function, or NULL. */
static const char *slot_refusal(const struct vpci_domain *dom, vpci_sbdf_t sbdf,
				int *rc)
{
	unsigned int fn;

	*rc = VPCI_EEXIST;
	if (vpci_is_bridge_slot(dom, sbdf))
		return "the guest SBDF is in slot 0000:00:00, the emulated "
		       "host bridge's";
	if (vpci_sbdf_map_lookup(&dom->vdevs, sbdf))
		return "the guest SBDF already has a function (assigned or "
		       "virtual)";
	*rc = VPCI_ETOPOLOGY;
	for (fn = 0; fn < 8; fn++) {
		const struct vpci_dev *v =
			vpci_sbdf_map_lookup(&dom->vdevs, (sbdf & ~7u) | fn);

		if (v && !v->virtual_fn)
			return "the guest slot holds assigned physical "
			       "functions; a virtual slot never mixes them "
			       "with virtual functions";
	}
	return NULL;
}

int vpci_register_emulator(struct vpci_domain *dom, vpci_sbdf_t guest_sbdf,
			   const struct vpci_emulator_ops *ops, void *arg,
			   const char **reason)
{
	const char *why = NULL;
	struct vpci_dev *fn;
	int rc = 0;

	set_reason(reason, NULL);
	if (!dom || !ops || !ops->read || !ops->write) {
		set_reason(reason, "an emulator needs a domain and both read "
				   "and write operations");
		return VPCI_EINVAL;
	}
	vpci_lock(dom->host);
	if (dom->cfg.kind != VPCI_DOMAIN_GUEST) {
		rc = VPCI_EMODE;
		why = "virtual functions are for guests; the hardware domain "
		      "sees the hardware";
	} else if (!vpci_domain_has_bridge(dom)) {
		rc = VPCI_EMODE;
		why = "the domain has no emulated host bridge "
		      "(VPCI_DOMAIN_F_HOST_BRIDGE) to put a virtual function "
		      "behind";
	} else {
		why = slot_refusal(dom, guest_sbdf, &rc);
		if (!why)
			rc = 0;
	}
	if (!rc) {
		fn = vpci_zalloc(dom->host, sizeof(*fn));
		rc = fn ? vpci_sbdf_map_insert(&dom->vdevs, guest_sbdf, fn)
			: VPCI_ENOMEM;
		if (rc) {
			vpci_free(dom->host, fn);
			why = "out of memory";
		} else {
			fn->host = dom->host;
			fn->sbdf = guest_sbdf;
			fn->guest_sbdf = guest_sbdf;
			fn->owner = dom;
			fn->virtual_fn = true;
			fn->emulator = ops;
			fn->emulator_arg = arg;
		}
	}
	vpci_unlock(dom->host);
	if (rc)
		set_reason(reason, why);
	return rc;
}

int vpci_unregister_emulator(struct vpci_domain *dom, vpci_sbdf_t guest_sbdf,
			     const char **reason)
{
	struct vpci_dev *fn;
	int rc = 0;

	set_reason(reason, NULL);
	if (!dom) {
		set_reason(reason, "no domain given");
		return VPCI_EINVAL;
	}
	vpci_lock(dom->host);
	fn = vpci_sbdf_map_lookup(&dom->vdevs, guest_sbdf);
	if (!fn || !fn->virtual_fn) {
		rc = VPCI_ENOENT;
		set_reason(reason,
			   fn ? "the guest SBDF is an assigned physical "
				"function (use vpci_deassign_device)"
			      : "no virtual function at the guest SBDF");
	} else {
		vpci_emu_cancel_fn(dom, fn);
		vpci_sbdf_map_remove(&dom->vdevs, guest_sbdf);
		vpci_free(dom->host, fn);
	}
	vpci_unlock(dom->host);
	return rc;
}
