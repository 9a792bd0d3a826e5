/* SPDX-License-Identifier: MIT */
/*
 * The replay platform's hooks (see replay_platform.h). Config accesses go
 * to the hardware model unchanged; everything else is libc.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "replay_platform.h"
#include "text.h"

static uint32_t replay_conf_read(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
				 unsigned int size)
{
	struct replay_platform *rp = ctx;

	return hwmodel_conf_read(rp->hw, sbdf, reg, size);
}

static void replay_conf_write(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
			      unsigned int size, uint32_t val)
{
	struct replay_platform *rp = ctx;

	hwmodel_conf_write(rp->hw, sbdf, reg, size, val);
}

static void trace(struct replay_platform *rp, const char *what, uint32_t domid,
		  uint64_t gfn, uint64_t mfn, uint64_t nr_frames)
{
	if (!rp->trace_out || domid != rp->trace_domid)
		return;
	fprintf(rp->trace_out, "%s 0x%" PRIx64 " 0x%" PRIx64 " %" PRIu64 "\n",
		what, gfn, mfn, nr_frames);
}

static int replay_map(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
		      uint64_t nr_frames, const struct vpci_map_desc *desc,
		      uint64_t *done_frames)
{
	struct replay_platform *rp = ctx;

	rp->nr_map_calls++;
	rp->nr_frames_mapped += nr_frames;
	trace(rp, "map", domid, gfn, mfn, nr_frames);
	if (rp->listener && rp->listener->map)
		rp->listener->map(rp->listener_arg, true, domid, gfn, mfn,
				  nr_frames, desc);
	if (done_frames)
		*done_frames = nr_frames;
	return 0;
}

static int replay_unmap(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
			uint64_t nr_frames, const struct vpci_map_desc *desc,
			uint64_t *done_frames)
{
	struct replay_platform *rp = ctx;

	rp->nr_unmap_calls++;
	rp->nr_frames_unmapped += nr_frames;
	trace(rp, "unmap", domid, gfn, mfn, nr_frames);
	if (rp->listener && rp->listener->map)
		rp->listener->map(rp->listener_arg, false, domid, gfn, mfn,
				  nr_frames, desc);
	if (done_frames)
		*done_frames = nr_frames;
	return 0;
}

/* The hypervisor's half of an interrupt: here, a line on the trace. */
static int replay_msi_update(void *ctx, uint32_t domid, vpci_sbdf_t sbdf,
			     unsigned int vector,
			     const struct vpci_msi_msg *msg)
{
	struct replay_platform *rp = ctx;
	char name[TEXT_SBDF_STRLEN];

	rp->nr_msi_updates++;
	if (rp->listener && rp->listener->msi_update)
		rp->listener->msi_update(rp->listener_arg, domid, sbdf, vector,
					 msg);
	if (!rp->trace_out || domid != rp->trace_domid)
		return 0;
	text_sbdf_str(sbdf, name);
	fprintf(rp->trace_out, "msi %s %u 0x%" PRIx64 " 0x%" PRIx32 "\n", name,
		vector, msg->address, msg->data);
	return 0;
}

static void replay_msi_disable(void *ctx, uint32_t domid, vpci_sbdf_t sbdf,
			       unsigned int vector)
{
	struct replay_platform *rp = ctx;
	char name[TEXT_SBDF_STRLEN];

	rp->nr_msi_disables++;
	if (rp->listener && rp->listener->msi_disable)
		rp->listener->msi_disable(rp->listener_arg, domid, sbdf,
					  vector);
	if (!rp->trace_out || domid != rp->trace_domid)
		return;
	text_sbdf_str(sbdf, name);
	fprintf(rp->trace_out, "msi-off %s %u\n", name, vector);
}

/* A capture has no device memory: registers that share a frame with an
 * MSI-X table read 0 and ignore writes. */
static uint64_t replay_mmio_read(void *ctx, uint64_t maddr, unsigned int size)
{
	(void)ctx;
	(void)maddr;
	(void)size;
	return 0;
}

static void replay_mmio_write(void *ctx, uint64_t maddr, unsigned int size,
			      uint64_t val)
{
	(void)ctx;
	(void)maddr;
	(void)size;
	(void)val;
}

static void *replay_zalloc(void *ctx, size_t size_bytes)
{
	(void)ctx;
	return calloc(1, size_bytes ? size_bytes : 1);
}

static void replay_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

static void replay_log(void *ctx, enum vpci_log_level level, const char *msg)
{
	static const char *const names[] = {
		[VPCI_LOG_ERROR] = "error",
		[VPCI_LOG_WARN] = "warning",
		[VPCI_LOG_INFO] = "info",
		[VPCI_LOG_DEBUG] = "debug",
	};
	struct replay_platform *rp = ctx;
	const char *name = (unsigned int)level < 4 ? names[level] : "log";

	if (level > rp->log_level)
		return;
	fprintf(stderr, "%s: vpci %s: %s\n",
		rp->log_prefix ? rp->log_prefix : "vpci-harness", name, msg);
}

const struct vpci_platform_ops replay_platform_ops = {
	.conf_read = replay_conf_read,
	.conf_write = replay_conf_write,
	.map = replay_map,
	.unmap = replay_unmap,
	.zalloc = replay_zalloc,
	.free = replay_free,
	.log = replay_log,
	.msi_update = replay_msi_update,
	.msi_disable = replay_msi_disable,
	.mmio_read = replay_mmio_read,
	.mmio_write = replay_mmio_write,
};

void replay_platform_init(struct replay_platform *rp, struct hwmodel *hw)
{
	memset(rp, 0, sizeof(*rp));
	rp->hw = hw;
	rp->log_level = VPCI_LOG_WARN;
}
