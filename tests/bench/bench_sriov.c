/* SPDX-License-Identifier: MIT */
/*
 * What SR-IOV costs per virtual function: a PF (tests/sriov_env.h) with K
 * VFs of two BARs each (a 32-bit 16 KiB BAR0, a 64-bit prefetchable
 * 64 KiB BAR2), beside N other functions whose three BARs are mapped
 * (so the hardware domain's indexes hold 3N ranges). Rows:
 *   cycle   the hardware domain writes VF Enable | VF MSE (K functions
 *           created, their state built, 2K BARs mapped), then 0 (all
 *           unmapped and removed): one operation is one such pair;
 *   mse     with the VFs enabled, VF MSE off then on (2K BARs unmapped,
 *           then mapped): one operation is one such pair.
 * Instructions per VF are insn/op divided by K; flat in K and growing
 * slowly with N, they show the O(k log n) of a PF enabling k VFs.
 *
 * usage: bench_sriov [reps [K ...]]   (default K: 16 64 256; N: 0 and
 * 4096). Rows are labelled "<row> K=<k> N=<n>".
 */
#include <stdlib.h>

#include "bench_util.h"
#include "fixture.h"
#include "sriov_env.h"

#define OTHER_BAR_BASE 0x1000000000ull
#define OTHER_BAR_SIZE 0x4000ull
#define OTHER_STRIDE 0x20000ull
#define VF_OFFSET 0x100u /* the VFs from bus 2 on */

/* N functions from bus 0x40 on, three mapped 64-bit BARs each. */
static void add_others(struct fixture *fx, unsigned int n)
{
	unsigned int i, b;

	for (i = 0; i < n; i++) {
		vpci_sbdf_t sbdf = VPCI_SBDF(0, 0x40 + (i >> 8), (i >> 3) & 0x1f,
					     i & 7);
		struct fake_fn *fn = fake_fn_add(&fx->fp, sbdf);

		fake_fn_set_header(fn, 0x1234, 0x5678, VPCI_HEADER_TYPE_NORMAL);
		for (b = 0; b < 3; b++) {
			fake_fn_set_bar(fn, 2 * b, OTHER_BAR_SIZE,
					VPCI_BAR_MEM_TYPE_64);
			fake_fn_set_bar_addr(fn, 2 * b,
					     OTHER_BAR_BASE + i * OTHER_STRIDE +
						     b * 2 * OTHER_BAR_SIZE);
		}
		fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		if (vpci_device_add(fx->host, sbdf))
			exit(1);
	}
}

static void ctrl(struct fixture *fx, uint32_t val)
{
	vpci_write(fx->hwdom, SRIOV_PF, SRIOV_CTRL, 2, val);
}

static void run(unsigned int k, unsigned int n, unsigned long reps)
{
	struct fixture *fx = fixture_new(0, false);
	struct fake_fn *pf;
	struct bench_span s;
	unsigned long r;
	char buf[64];

	fixture_create_hwdom(fx);
	fx->fp.track_mappings = false; /* the platform's own bookkeeping */
	add_others(fx, n);
	pf = sriov_env_add(&fx->fp, VF_OFFSET, 1, k);
	fake_fn_set(pf, SRIOV_TOTAL_VFS, 2, k);
	sriov_env_place(pf, 0xc0000000u, 0x4000000000ull);
	if (vpci_device_add(fx->host, SRIOV_PF))
		exit(1);
	vpci_write(fx->hwdom, SRIOV_PF, SRIOV_NUM_VFS, 2, k);
	/* Warm-up, and a check that the VFs do come. */
	ctrl(fx, SRIOV_VFE | SRIOV_MSE);
	if (!vpci_device_find(fx->host, sriov_vf_sbdf(VF_OFFSET, 1, k - 1)))
		exit(1);
	ctrl(fx, 0);

	snprintf(buf, sizeof(buf), "cycle K=%u N=%u", k, n);
	s = bench_begin(buf);
	for (r = 0; r < reps; r++) {
		ctrl(fx, SRIOV_VFE | SRIOV_MSE);
		ctrl(fx, 0);
		fake_clear_records(&fx->fp);
	}
	bench_end(s, reps);

	ctrl(fx, SRIOV_VFE | SRIOV_MSE);
	fake_clear_records(&fx->fp);
	snprintf(buf, sizeof(buf), "mse K=%u N=%u", k, n);
	s = bench_begin(buf);
	for (r = 0; r < reps; r++) {
		ctrl(fx, SRIOV_VFE);
		ctrl(fx, SRIOV_VFE | SRIOV_MSE);
		fake_clear_records(&fx->fp);
	}
	bench_end(s, reps);
	ctrl(fx, 0);
	fixture_free(fx);
}

int main(int argc, char **argv)
{
	static const unsigned int ks[] = {16, 64, 256};
	static const unsigned int ns[] = {0, 4096};
	unsigned long reps = argc > 1 ? strtoul(argv[1], NULL, 0) : 20ul;
	unsigned int i, j;
	int a;

	bench_header("libvpci SR-IOV: VF Enable + Disable and VF MSE toggle "
		     "per PF, K VFs with two BARs, N other functions");
	for (j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
		if (argc > 2) {
			for (a = 2; a < argc; a++)
				run((unsigned int)strtoul(argv[a], NULL, 0),
				    ns[j] ? 64u : 0u, reps);
			continue;
		}
		for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
			run(ks[i], ns[j], reps);
	}
	return 0;
}
