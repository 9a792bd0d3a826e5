/* SPDX-License-Identifier: MIT */
/*
 * A function's life: when it gets vPCI state and when it loses it. A
 * physical function is made and unmade here, whether the platform added
 * it or a PF's VF Enable did (sriov_vf.c decides when a VF comes and
 * goes; vpci_dev_create and vpci_dev_destroy carry it out). It has state
 * while its owner (the hardware domain, or the guest it is assigned to)
 * has vPCI on for it, and loses it when it changes hands (assignment,
 * deassignment, a guest's or the hardware domain's destruction) or is
 * made read-only.
 * host.c, domain.c and assign.c decide *whether* a transition is allowed;
 * this file carries it out.
 *
 * Building the state: the library's parts come first (the header, then
 * capabilities), the platform's device_init hook last, so the platform
 * sees every register the library owns and cannot be overtaken by one.
 * Each part undoes itself on teardown, which is safe on a partly built
 * state.
 */
#include "internal.h"
#include "sriov.h"
#include "header.h"
#include "caps.h"
#include "map.h"
#include "frame_guard.h"

/*
 * Registers added while the function had no vPCI state (before the
 * hardware domain existed, say) describe no view: they are dropped, so
 * they can neither collide with the library's registers nor make the
 * device read-only. device_init is where registers that last belong.
 */
static void drop_stale_registers(struct vpci_dev *dev)
{
	if (!dev->regs.nr)
		return;
	vpci_log(dev->host, VPCI_LOG_WARN,
		 "%pS: %u register(s) added outside device_init dropped as "
		 "its vPCI state is built",
		 dev->sbdf, (unsigned int)dev->regs.nr);
	vpci_regtable_destroy(dev->host, &dev->regs);
}

static int platform_device_init(struct vpci_dev *dev)
{
	const struct vpci_platform_ops *ops = dev->host->ops;
	int rc;

	if (!ops->device_init)
		return 0;
	rc = ops->device_init(dev->host->ctx, dev, vpci_dev_view(dev));
	if (rc > 0)
		rc = VPCI_EIO; /* not a VPCI_E* code: still a failure */
	if (rc)
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: the platform's device_init failed in the %s "
			 "view (%s)",
			 dev->sbdf,
			 vpci_dev_is_guest(dev) ? "guest" : "hardware-domain",
			 vpci_strerror(rc));
	else
		dev->platform_init_done = true;
	return rc;
}

int vpci_dev_state_build(struct vpci_dev *dev)
{
	int rc;

	drop_stale_registers(dev);
	dev->regs.library_phase = true;
	rc = vpci_header_init(dev);
	if (!rc)
		rc = vpci_caps_init(dev);
	dev->regs.library_phase = false;
	if (!rc)
		rc = platform_device_init(dev);
	if (rc)
		vpci_dev_state_teardown(dev);
	return rc;
}

void vpci_dev_state_teardown(struct vpci_dev *dev)
{
	const struct vpci_platform_ops *ops = dev->host->ops;

	/* The platform's data may back its registers: it goes first. */
	if (dev->platform_init_done && ops->device_deinit)
		ops->device_deinit(dev->host->ctx, dev, vpci_dev_view(dev));
	dev->platform_init_done = false;
	/* Vectors are unbound and MSI-X traps removed, then the BARs unmap
	 * what they had mapped, then the handlers go. */
	vpci_caps_teardown(dev);
	vpci_header_teardown(dev);
	vpci_regtable_destroy(dev->host, &dev->regs);
}

/* ------------------------------------------------- who wants state when */

bool vpci_dev_wants_state(const struct vpci_dev *dev)
{
	const struct vpci_domain *owner =
		dev->owner ? dev->owner : dev->host->hwdom;

	/* Read-only devices and externally emulated ones get none. */
	return owner && (owner->cfg.flags & VPCI_DOMAIN_F_VPCI) &&
	       !dev->emulator && !vpci_dev_is_readonly(dev);
}

int vpci_dev_reserve_readonly(struct vpci_host *host, vpci_sbdf_t sbdf)
{
	uint16_t seg = VPCI_SBDF_SEG(sbdf);
	int rc = vpci_sbdf_set_reserve(&host->hidden, seg);

	if (!rc)
		rc = vpci_sbdf_set_reserve(&host->readonly, seg);
	if (!rc)
		rc = vpci_sbdf_set_reserve(&host->ro_warned, seg);
	/* And its frames' claim, which a read-only function makes. */
	if (!rc)
		rc = vpci_guard_reserve_claim(host);
	return rc;
}

void vpci_dev_make_readonly(struct vpci_dev *dev)
{
	/* Both segments were reserved: these adds cannot fail. */
	vpci_sbdf_set_add(&dev->host->hidden, dev->sbdf);
	vpci_sbdf_set_add(&dev->host->readonly, dev->sbdf);
	vpci_dev_state_teardown(dev);
	/* Its frames leave the hardware domain for good. */
	if (vpci_guard_sync_claim(dev))
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: no memory to keep its BAR frames from the "
			 "hardware domain",
			 dev->sbdf);
}

/* Did a probe ever see its BARs' sizes? (Not when its state could not
 * even be allocated.) */
static bool dev_was_sized(const struct vpci_dev *dev)
{
	unsigned int slot;

	for (slot = 0; slot < VPCI_NR_SLOTS; slot++)
		if (dev->seen_bytes[slot])
			return true;
	return false;
}

int vpci_dev_build_or_readonly(struct vpci_dev *dev)
{
	int rc;

	if (!vpci_dev_wants_state(dev))
		return 0;
	if (dev->owner)
		return vpci_dev_state_build(dev);
	/*
	 * A hardware-domain device whose emulation cannot be built must not
	 * be left raw: the hardware domain could program native MSI/MSI-X
	 * behind the emulator's back (DESIGN.md section 7, rule 4).
	 */
	rc = vpci_dev_reserve_readonly(dev->host, dev->sbdf);
	if (rc)
		return rc;
	rc = vpci_dev_state_build(dev);
	if (rc) {
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: cannot build vPCI state (%s): device made "
			 "read-only for the hardware domain",
			 dev->sbdf, vpci_strerror(rc));
		if (!dev_was_sized(dev))
			vpci_bars_measure(dev);
		vpci_dev_make_readonly(dev);
	}
	return 0;
}

int vpci_dev_state_for_owner(struct vpci_dev *dev)
{
	int rc = vpci_dev_wants_state(dev) ? vpci_dev_state_build(dev) : 0;

	/* A guest's (or read-only) function's frames leave the hardware
	 * domain from now on. */
	if (!rc)
		rc = vpci_guard_sync_claim(dev);
	return rc;
}

/* ------------------------------------------ physical functions come, go */

int vpci_dev_create(struct vpci_host *host, vpci_sbdf_t sbdf,
		    struct vpci_dev **out)
{
	struct vpci_dev *dev;
	int rc;

	*out = NULL;
	if (vpci_sbdf_map_lookup(&host->devices, sbdf))
		return VPCI_EEXIST;
	dev = vpci_zalloc(host, sizeof(*dev));
	if (!dev)
		return VPCI_ENOMEM;
	dev->host = host;
	dev->sbdf = sbdf;
	rc = vpci_sbdf_map_insert(&host->devices, sbdf, dev);
	if (rc) {
		vpci_free(host, dev);
		return rc;
	}
	*out = dev;
	return 0;
}

static void dev_destroy(struct vpci_dev *dev)
{
	vpci_dev_state_teardown(dev);
	vpci_sriov_destroy(dev);
	vpci_guard_unclaim(dev);
	vpci_free(dev->host, dev);
}

void vpci_dev_destroy(struct vpci_dev *dev)
{
	vpci_sbdf_map_remove(&dev->host->devices, dev->sbdf);
	dev_destroy(dev);
}

/* A local visitor: taking a global function's address would need the GOT
 * in position-independent builds, which a freestanding link may lack. */
static int destroy_visit(void *arg, struct vpci_dev *dev)
{
	(void)arg;
	dev_destroy(dev);
	return 0;
}

void vpci_devices_destroy(struct vpci_host *host)
{
	vpci_sbdf_map_for_each(&host->devices, destroy_visit, NULL);
	while (host->refused) {
		struct vpci_dev *dev = host->refused;

		host->refused = dev->next_refused;
		dev_destroy(dev);
	}
}

/* ---------------------------------------------------- refused functions */

/* Take sbdf's refused record off the list (NULL: there is none). */
static struct vpci_dev *refused_take(struct vpci_host *host, vpci_sbdf_t sbdf)
{
	struct vpci_dev **link, *dev;

	for (link = &host->refused; (dev = *link); link = &dev->next_refused)
		if (dev->sbdf == sbdf) {
			*link = dev->next_refused;
			dev->next_refused = NULL;
			return dev;
		}
	return NULL;
}

static void refused_put(struct vpci_host *host, struct vpci_dev *dev)
{
	dev->next_refused = host->refused;
	host->refused = dev;
}

/* Forget a refused record: its frames go back to whoever may have them. */
static void refused_forget(struct vpci_dev *dev)
{
	vpci_guard_release(dev);
	dev_destroy(dev);
}

/* Is a function arriving now sharing a host frame with a guest's? Its
 * sizes are needed: probe them if vPCI has not (no hardware domain yet),
 * unless it is read-only (never written; then its bases are compared). */
static int check_addable(struct vpci_dev *dev)
{
	if (!vpci_guard_guests_hold_functions(dev->host))
		return 0; /* no guest holds a function */
	if (!dev->hdr && !dev_was_sized(dev) &&
	    !vpci_sbdf_set_contains(&dev->host->readonly, dev->sbdf))
		vpci_bars_measure(dev);
	return vpci_guard_addable(dev, "made read-only for the hardware "
				       "domain, memory decoding off");
}

/*
 * A function refused for sharing a frame with a guest's: its registers
 * must not decode in the guest's frame, and the hardware domain must not
 * turn them back on, so decoding goes off and it is read-only from now.
 * It is not added, but the host keeps it (without state, on the refused
 * list) for its frames: they stay claimed from the hardware domain, and
 * no function sharing one may go to a guest (vpci_guard_assignable), as
 * if it had been added read-only. Keeping it needs no memory: dev is the
 * record.
 */
static void quarantine(struct vpci_dev *dev, bool marked_readonly)
{
	struct vpci_host *host = dev->host;
	vpci_sbdf_t sbdf = dev->sbdf;
	uint16_t cmd;

	vpci_sbdf_map_remove(&host->devices, sbdf);
	vpci_dev_state_teardown(dev);
	vpci_sriov_destroy(dev);
	cmd = (uint16_t)vpci_phys_read(host, sbdf, VPCI_REG_COMMAND, 2);

	/* Marked read-only before this add: never written, not even now.
	 * Made read-only on the way (its state could not be built) does
	 * not count: it is still decoding where it must not. */
	if ((cmd & VPCI_CMD_MEMORY) && !marked_readonly)
		vpci_phys_write(host, sbdf, VPCI_REG_COMMAND, 2,
				cmd & (uint16_t)~VPCI_CMD_MEMORY);
	if (vpci_dev_reserve_readonly(host, sbdf)) {
		vpci_log(host, VPCI_LOG_ERROR,
			 "%pS: no memory to make it read-only", sbdf);
		dev_destroy(dev);
		return;
	}
	vpci_sbdf_set_add(&host->hidden, sbdf);
	vpci_sbdf_set_add(&host->readonly, sbdf);
	/* Reserved above with the read-only sets: cannot fail. */
	vpci_guard_sync_claim(dev);
	refused_put(host, dev);
}

int vpci_device_add(struct vpci_host *host, vpci_sbdf_t sbdf)
{
	struct vpci_dev *dev, *was_refused;
	bool marked_readonly;
	int rc;

	vpci_lock(host);
	marked_readonly = vpci_sbdf_set_contains(&host->readonly, sbdf);
	/* Refused before: this try replaces the record, unless it fails
	 * for another reason (memory), which leaves it as it was. */
	was_refused = refused_take(host, sbdf);
	rc = vpci_dev_create(host, sbdf, &dev);
	if (rc)
		goto out;
	/* Read-only now, it will not be probed: what the last probe saw is
	 * all its footprint has. */
	if (was_refused)
		__builtin_memcpy(dev->seen_bytes, was_refused->seen_bytes,
				 sizeof(dev->seen_bytes));
	rc = vpci_sriov_probe(dev);
	if (!rc)
		rc = vpci_dev_build_or_readonly(dev);
	/* A read-only function's frames are the hypervisor's. */
	if (!rc)
		rc = vpci_guard_sync_claim(dev);
	/* Nor may its registers show up in a frame a guest holds. */
	if (!rc)
		rc = check_addable(dev);
	if (!rc)
		vpci_sriov_adopt(dev); /* VFs enabled before we knew it */
	if (rc == VPCI_EPERM)
		quarantine(dev, marked_readonly);
	else if (rc)
		vpci_dev_destroy(dev);
out:
	if (was_refused && (!rc || rc == VPCI_EPERM))
		refused_forget(was_refused);
	else if (was_refused)
		refused_put(host, was_refused);
	vpci_unlock(host);
	return rc;
}

int vpci_device_remove(struct vpci_host *host, vpci_sbdf_t sbdf)
{
	struct vpci_dev *dev;
	int rc = 0;

	vpci_lock(host);
	dev = vpci_sbdf_map_lookup(&host->devices, sbdf);
	if (!dev && (dev = refused_take(host, sbdf))) {
		/* Refused, never added: the host forgets its frames too. */
		refused_forget(dev);
		vpci_unlock(host);
		return 0;
	}
	if (!dev)
		rc = VPCI_ENOENT;
	else if (dev->owner && dev->owner->cfg.kind == VPCI_DOMAIN_GUEST)
		rc = VPCI_EBUSY;
	else if (dev->vf_of)
		rc = VPCI_EPERM; /* VFs go when their PF's VF Enable clears */
	else
		rc = vpci_sriov_remove_vfs(dev); /* EBUSY: one is assigned */
	if (!rc) {
		vpci_dev_destroy(dev);
		rc = vpci_group_sweep(host, &host->hw_group);
	}
	vpci_unlock(host);
	return rc;
}

/* ------------------------------------------ the hardware domain's state */

/* State for the hardware domain's devices once it exists (or goes). */
static int hwdom_build_visit(void *arg, struct vpci_dev *dev)
{
	(void)arg;
	if (!dev->owner && vpci_dev_build_or_readonly(dev))
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: cannot build state for the hardware domain",
			 dev->sbdf);
	return 0;
}

static int hwdom_teardown_visit(void *arg, struct vpci_dev *dev)
{
	(void)arg;
	if (!dev->owner)
		vpci_dev_state_teardown(dev);
	return 0;
}

void vpci_hwdom_devices_build(struct vpci_host *host)
{
	vpci_sbdf_map_for_each(&host->devices, hwdom_build_visit, NULL);
}

void vpci_hwdom_devices_teardown(struct vpci_host *host)
{
	vpci_sbdf_map_for_each(&host->devices, hwdom_teardown_visit, NULL);
}

/* ---------------------------------------------- to a guest and back */

int vpci_dev_to_guest(struct vpci_dev *dev, struct vpci_domain *dom,
		      vpci_sbdf_t guest_sbdf,
		      const struct vpci_emulator_ops *ops, void *arg,
		      bool *unmap_failed)
{
	struct vpci_host *host = dev->host;
	int rc;

	*unmap_failed = false;
	/* The hardware domain's state does not describe a guest's view;
	 * and while it keeps any frame of the device, no guest gets it. */
	vpci_dev_state_teardown(dev);
	rc = vpci_group_sweep(host, &host->hw_group);
	if (rc) {
		vpci_log(host, VPCI_LOG_ERROR,
			 "%pS: the hardware domain still has its frames "
			 "mapped (%s): not assigned",
			 dev->sbdf, vpci_strerror(rc));
		*unmap_failed = true;
		vpci_dev_release(dev);
		return rc;
	}
	dev->owner = dom;
	dev->guest_sbdf = guest_sbdf;
	dev->emulator = ops;
	dev->emulator_arg = arg;
	rc = vpci_dev_state_for_owner(dev);
	if (rc) {
		vpci_log(host, VPCI_LOG_ERROR,
			 "%pS: cannot build state for "
			 "domain %u (%s); assignment undone",
			 dev->sbdf, dom->cfg.domid, vpci_strerror(rc));
		vpci_dev_release(dev);
	}
	return rc;
}

void vpci_dev_release(struct vpci_dev *dev)
{
	vpci_dev_state_teardown(dev);
	dev->owner = NULL;
	dev->emulator = NULL;
	dev->emulator_arg = NULL;
	vpci_guard_sync_claim(dev); /* unclaims (unless read-only) */
	if (vpci_dev_build_or_readonly(dev))
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: cannot rebuild state for the hardware domain",
			 dev->sbdf);
}

static int release_visit(void *arg, struct vpci_dev *dev)
{
	struct vpci_domain *dom = arg;

	/* Virtual functions have no hardware to return: they just go. */
	if (dev->virtual_fn) {
		vpci_free(dom->host, dev);
		return 0;
	}
	vpci_dev_release(dev);
	return 0;
}

void vpci_domain_release_devices(struct vpci_domain *dom)
{
	vpci_sbdf_map_for_each(&dom->vdevs, release_visit, dom);
}

/* ------------------------------------------------------------ accessors */

struct vpci_dev *vpci_device_find(const struct vpci_host *host,
				  vpci_sbdf_t sbdf)
{
	return vpci_sbdf_map_lookup(&host->devices, sbdf);
}

vpci_sbdf_t vpci_dev_sbdf(const struct vpci_dev *dev)
{
	return dev->sbdf;
}

struct vpci_host *vpci_dev_host(const struct vpci_dev *dev)
{
	return dev->host;
}

struct vpci_domain *vpci_dev_owner(const struct vpci_dev *dev)
{
	return dev->owner ? dev->owner : dev->host->hwdom;
}

vpci_sbdf_t vpci_dev_owner_sbdf(const struct vpci_dev *dev)
{
	return vpci_dev_is_guest(dev) ? dev->guest_sbdf : dev->sbdf;
}
