/* SPDX-License-Identifier: MIT */
/*
 * struct vpci_platform_ops over Xen's facilities: pci_conf_read/write for
 * physical config space, map/unmap_mmio_regions for the p2m (a positive
 * return is Xen asking to be preempted: VPCI_ERESTART with the progress),
 * xzalloc_bytes/xfree, one spinlock as libvpci's host lock, and printk
 * with a level for the log.
 */
#include "internal.h"
#include "xen/errno.h"
#include "xen/lib.h"
#include "xen/p2m.h"
#include "xen/xmalloc.h"

static pci_sbdf_t to_pci_sbdf(vpci_sbdf_t sbdf)
{
	pci_sbdf_t s = {sbdf};

	return s;
}

static uint32_t conf_read(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
			  unsigned int size)
{
	(void)ctx;
	/* libvpci only asks for naturally aligned 1, 2 or 4 bytes. */
	switch (size) {
	case 1:
		return pci_conf_read8(to_pci_sbdf(sbdf), reg);
	case 2:
		return pci_conf_read16(to_pci_sbdf(sbdf), reg);
	default:
		return pci_conf_read32(to_pci_sbdf(sbdf), reg);
	}
}

static void conf_write(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
		       unsigned int size, uint32_t val)
{
	(void)ctx;
	switch (size) {
	case 1:
		pci_conf_write8(to_pci_sbdf(sbdf), reg, (uint8_t)val);
		break;
	case 2:
		pci_conf_write16(to_pci_sbdf(sbdf), reg, (uint16_t)val);
		break;
	default:
		pci_conf_write32(to_pci_sbdf(sbdf), reg, val);
		break;
	}
}

/* The most frames handed to one p2m call: Xen's count of frames done is
 * an int, and a bounded call keeps the time between preemption checks
 * bounded too. */
#define P2M_CALL_MAX_FRAMES (1ul << 20)

typedef int p2m_fn(struct domain *d, gfn_t gfn, unsigned long nr, mfn_t mfn);

static int p2m_call(p2m_fn *fn, void *ctx, uint32_t domid, uint64_t gfn,
		    uint64_t mfn, uint64_t nr_frames, uint64_t *done_frames)
{
	struct domain *d = xvpci_domain_by_id(ctx, domid);
	unsigned long nr = nr_frames > P2M_CALL_MAX_FRAMES
				   ? P2M_CALL_MAX_FRAMES
				   : (unsigned long)nr_frames;
	int rc;
	uint64_t done;

	if (!d)
		return VPCI_ENOENT;
	rc = fn(d, _gfn((unsigned long)gfn), nr, _mfn((unsigned long)mfn));
	if (rc < 0)
		return rc == -ENOMEM ? VPCI_ENOMEM : VPCI_EIO;
	/* Positive: Xen preempted itself after rc (< nr) frames. */
	done = rc > 0 && (unsigned long)rc < nr ? (uint64_t)rc : nr;
	if (done == nr_frames)
		return 0;
	/* The rest is resumed through vpci_process_pending(). */
	*done_frames = done;
	return VPCI_ERESTART;
}

/* Xen's p2m calls take no descriptor: which BAR a range belongs to only
 * matters for a port that chooses memory types per BAR. */
static int map(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
	       uint64_t nr_frames, const struct vpci_map_desc *desc,
	       uint64_t *done_frames)
{
	(void)desc;
	return p2m_call(map_mmio_regions, ctx, domid, gfn, mfn, nr_frames,
			done_frames);
}

static int unmap(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
		 uint64_t nr_frames, const struct vpci_map_desc *desc,
		 uint64_t *done_frames)
{
	(void)desc;
	return p2m_call(unmap_mmio_regions, ctx, domid, gfn, mfn, nr_frames,
			done_frames);
}

static void *zalloc(void *ctx, size_t size_bytes)
{
	(void)ctx;
	return xzalloc_bytes(size_bytes);
}

static void release(void *ctx, void *ptr)
{
	(void)ctx;
	xfree(ptr);
}

static void lock(void *ctx)
{
	spin_lock(&((struct xvpci_host *)ctx)->lock);
}

static void unlock(void *ctx)
{
	spin_unlock(&((struct xvpci_host *)ctx)->lock);
}

/* Errors are Xen's to see; the rest is mostly caused by guest accesses,
 * so it goes out rate-limited (the G levels). */
static void log_line(void *ctx, enum vpci_log_level level, const char *msg)
{
	(void)ctx;
	switch (level) {
	case VPCI_LOG_ERROR:
		printk(XENLOG_ERR "vPCI: %s\n", msg);
		break;
	case VPCI_LOG_WARN:
		printk(XENLOG_G_WARNING "vPCI: %s\n", msg);
		break;
	case VPCI_LOG_INFO:
		printk(XENLOG_G_INFO "vPCI: %s\n", msg);
		break;
	default:
		printk(XENLOG_G_DEBUG "vPCI: %s\n", msg);
		break;
	}
}

const struct vpci_platform_ops xvpci_platform_ops = {
	.conf_read = conf_read,
	.conf_write = conf_write,
	.map = map,
	.unmap = unmap,
	.zalloc = zalloc,
	.free = release,
	.lock = lock,
	.unlock = unlock,
	.log = log_line,
	/* No MSI hooks yet: libvpci reports MSI/MSI-X unsupported. */
};
