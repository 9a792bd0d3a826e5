/* SPDX-License-Identifier: MIT */
/*
 * `vpci-harness boot TOPOLOGY CONFIG.dtb`: a vPCI host over the topology
 * (every function, --hide/--ro marks, no domain yet), then
 * vpci_fdt_boot() creates what the dom0less-style configuration says.
 * Prints each domain: its devices host -> guest SBDF (with the IDs the
 * guest reads through its ECAM window, proving the window reaches them),
 * the window and the xen,enhanced features. External devices get a
 * pass-through emulator: reads from the hardware model, writes dropped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "cmd_fdt.h"
#include "hwmodel.h"
#include "replay_platform.h"
#include "vpci/fdt.h"
#include "text.h"

#define EXIT_ERROR 2

struct boot_run {
	struct topology topo;
	struct hwmodel hw;
	struct replay_platform plat;
	struct vpci_host *host;
	struct vpci_fdt_config *cfg;
	/* One pass-through emulator per external device. */
	struct passthrough {
		struct hwmodel *hw;
		vpci_sbdf_t host_sbdf;
	} emulated[VPCI_FDT_MAX_DEVICES];
	size_t nr_emulated;
};

static int passthrough_read(void *arg, vpci_sbdf_t guest_sbdf,
			    unsigned int reg, unsigned int size, uint64_t token,
			    uint32_t *val)
{
	struct passthrough *p = arg;

	(void)guest_sbdf;
	(void)token;
	*val = hwmodel_conf_read(p->hw, p->host_sbdf, reg, size);
	return 0;
}

static int passthrough_write(void *arg, vpci_sbdf_t guest_sbdf,
			     unsigned int reg, unsigned int size, uint32_t val,
			     uint64_t token)
{
	(void)arg;
	(void)guest_sbdf;
	(void)reg;
	(void)size;
	(void)val;
	(void)token;
	return 0;
}

static const struct vpci_emulator_ops passthrough_ops = {
	.read = passthrough_read,
	.write = passthrough_write,
	.cancel = NULL,
};

static int find_emulator(void *ctx, uint32_t domid, vpci_sbdf_t host_sbdf,
			 vpci_sbdf_t guest_sbdf,
			 const struct vpci_emulator_ops **ops, void **arg)
{
	struct boot_run *run = ctx;
	struct passthrough *p;

	(void)domid;
	(void)guest_sbdf;
	if (run->nr_emulated == VPCI_FDT_MAX_DEVICES)
		return VPCI_ENOSPC;
	p = &run->emulated[run->nr_emulated++];
	p->hw = &run->hw;
	p->host_sbdf = host_sbdf;
	*ops = &passthrough_ops;
	*arg = p;
	return 0;
}

static int build_host(struct boot_run *run, const char *topology,
		      const struct session_options *opt, char *msg,
		      size_t msg_len)
{
	struct topo_error terr = {{0}};
	char name[TEXT_SBDF_STRLEN];
	size_t i;
	int rc;

	if (topology_load(topology, &run->topo, &terr)) {
		snprintf(msg, msg_len, "%s", terr.msg);
		return -1;
	}
	if (hwmodel_init(&run->hw, &run->topo)) {
		snprintf(msg, msg_len, "%s: out of memory", topology);
		return -1;
	}
	replay_platform_init(&run->plat, &run->hw);
	rc = vpci_host_create(&replay_platform_ops, &run->plat, 0, &run->host);
	for (i = 0; !rc && i < run->topo.nr_fns; i++)
		rc = vpci_device_add(run->host, run->topo.fns[i].sbdf);
	for (i = 0; !rc && i < opt->hide.nr; i++)
		rc = vpci_device_hide(run->host, opt->hide.sbdfs[i], NULL);
	for (i = 0; !rc && i < opt->ro.nr; i++)
		rc = vpci_device_set_readonly(run->host, opt->ro.sbdfs[i], NULL);
	if (rc) {
		snprintf(msg, msg_len, "%s: cannot build the vPCI host: %s",
			 topology, vpci_strerror(rc));
		return -1;
	}
	for (i = 0; i < opt->hide.nr + opt->ro.nr; i++) {
		vpci_sbdf_t sbdf = i < opt->hide.nr
					   ? opt->hide.sbdfs[i]
					   : opt->ro.sbdfs[i - opt->hide.nr];

		if (!topology_find(&run->topo, sbdf)) {
			snprintf(msg, msg_len, "%s %s: no such function in %s",
				 i < opt->hide.nr ? "--hide" : "--ro",
				 text_sbdf_str(sbdf, name), topology);
			return -1;
		}
	}
	return 0;
}

static void print_features(uint32_t f)
{
	if (!f) {
		printf("none");
		return;
	}
	printf("%s%s%s", f & VPCI_FDT_XEN_GNTTAB ? "grant-table" : "",
	       f & VPCI_FDT_XEN_EVTCHN ? " event-channel" : "",
	       f & VPCI_FDT_XEN_XENSTORE ? " xenstore" : "");
}

static const char *tri_name(enum vpci_tristate t)
{
	return t == VPCI_TRI_YES ? "yes" : t == VPCI_TRI_NO ? "no" : "default";
}

/* What the guest reads at offset 0 of the function through its ECAM
 * window: the access path a booted guest would use. */
static uint32_t ecam_ids(const struct vpci_fdt_domain *d, vpci_sbdf_t g)
{
	uint64_t gpa = d->ecam_base +
		       ((uint64_t)(VPCI_SBDF_BUS(g) - d->bus_first) << 20) +
		       ((uint64_t)VPCI_SBDF_DEVFN(g) << 12);
	uint64_t val = ~0ull;

	if (vpci_ecam_read(d->dom, gpa, 4, &val))
		return 0xffffffffu;
	return (uint32_t)val;
}

static void print_domain(const struct vpci_fdt_config *cfg,
			 const struct vpci_fdt_domain *d)
{
	char host[TEXT_SBDF_STRLEN], guest[TEXT_SBDF_STRLEN];
	size_t i;

	printf("domain %" PRIu32 " %s: memory %" PRIu64 " KiB, cpus %" PRIu32
	       ", xen,enhanced: ",
	       d->cfg.domid, d->path, d->memory_kib, d->cpus);
	print_features(d->features);
	printf("\n");
	if (!d->has_ecam) {
		printf("  no PCI\n");
		return;
	}
	printf("  ecam 0x%" PRIx64 "-0x%" PRIx64 " segment %04x buses "
	       "%02x-%02x, host bridge %s, msi %s, msix %s\n",
	       d->ecam_base,
	       d->ecam_base +
		       (((uint64_t)d->bus_last - d->bus_first + 1) << 20) - 1,
	       d->segment, d->bus_first, d->bus_last,
	       d->cfg.flags & VPCI_DOMAIN_F_HOST_BRIDGE ? "yes" : "no",
	       tri_name(d->cfg.msi), tri_name(d->cfg.msix));
	for (i = d->first_device; i < d->first_device + d->nr_devices; i++) {
		const struct vpci_fdt_device *dev = &cfg->devices[i];
		uint32_t ids = ecam_ids(d, dev->guest_sbdf);

		printf("  %s -> %s %s, reads %04x:%04x\n",
		       text_sbdf_str(dev->host_sbdf, host),
		       text_sbdf_str(dev->guest_sbdf, guest),
		       dev->external ? "external" : "vpci", ids & 0xffffu,
		       ids >> 16);
	}
}

static int boot(struct boot_run *run, const struct session_options *opt,
		const char *topology, const char *config_path, char *msg,
		size_t msg_len)
{
	struct vpci_fdt_emulators emu = {.find = find_emulator, .ctx = run};
	struct vpci_fdt_error err;
	void *blob = NULL;
	size_t len, i;

	if (build_host(run, topology, opt, msg, msg_len) ||
	    harness_read_file(config_path, 0, &blob, &len, msg, msg_len))
		return -1;
	if (vpci_fdt_boot(run->host, blob, len, &emu, run->cfg, &err)) {
		snprintf(msg, msg_len, "%s: %s", config_path, err.msg);
		free(blob);
		return -1;
	}
	free(blob);
	if (run->cfg->has_hwdom)
		printf("hardware domain 0: every function not given to a "
		       "guest\n");
	else
		printf("no hardware domain\n");
	for (i = 0; i < run->cfg->nr_domains; i++)
		print_domain(run->cfg, &run->cfg->domains[i]);
	return 0;
}

int cmd_boot(const struct session_options *opt, const char *topology,
	     const char *config_path)
{
	struct boot_run *run = calloc(1, sizeof(*run));
	char msg[1024];
	int rc;

	if (run)
		run->cfg = calloc(1, sizeof(*run->cfg));
	if (!run || !run->cfg) {
		free(run);
		fprintf(stderr, "out of memory\n");
		return EXIT_ERROR;
	}
	rc = boot(run, opt, topology, config_path, msg, sizeof(msg));
	if (rc)
		fprintf(stderr, "%s\n", msg);
	vpci_fdt_unboot(run->cfg);
	vpci_host_destroy(run->host);
	hwmodel_free(&run->hw);
	topology_free(&run->topo);
	free(run->cfg);
	free(run);
	if (!rc && (fflush(stdout) || ferror(stdout)))
		rc = -1;
	return rc ? EXIT_ERROR : 0;
}
