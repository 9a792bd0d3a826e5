/* SPDX-License-Identifier: MIT */
/*
 * A hostile guest and hardware domain: every input is a sequence of ECAM,
 * CF8/CFC and config accesses (any address, size, alignment, value) plus
 * device assignment, hot removal and re-adding, hiding and read-only
 * churn, against a host whose devices
 * have MSI-X tables sharing pages with other BARs, sub-page BARs, ROMs
 * aliasing BARs or pointing at other functions, and reserved frames; with
 * preemption and allocation failures. Nothing may crash, leak, or make a
 * later access misbehave.
 *
 * The oracle is a shadow model of its own, written against the platform's
 * records (the fake's physmap and config accesses) and the fuzzer's own
 * knowledge of the topology and of which calls succeeded -- never the
 * core's internal state. After every step:
 *  - every frame the platform has mapped into the guest lies in a memory
 *    BAR, or a ROM not found sharing frames at assignment, of a function
 *    the guest was assigned, and holds no byte of that function's MSI-X
 *    table or PBA;
 *  - no frame mapped into the hardware domain holds a byte of a BAR or
 *    ROM of a function assigned to the guest or of a read-only function;
 *  - no domain has a reserved frame;
 *  - no physical write reached a read-only function, and a guest's
 *    accesses wrote nothing but command, status and ROM of its functions;
 *  - an assignment that succeeded was of a function sharing no host frame
 *    with another function's BAR or ROM; a function (re-)added while the
 *    guest holds functions was refused exactly when one of its BARs or
 *    its ROM shares a host frame with theirs, and then no longer decodes
 *    memory;
 *  - the platform never saw a double map or an unmap of an unmapped frame.
 * At the end: host destroy leaves nothing mapped and nothing allocated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "vpci/cf8.h"
#include "vpci/pci_regs.h"

#define ECAM_BASE 0xe0000000ull
#define NR_FNS 4u
#define GUEST_DOMID 1u
#define MAX_RANGES 8u

/* ------------------------------------------------------------ topology */

/* What the fuzzer built, as it knows it: sizes of BARs 0-5 and the ROM. */
struct fn_shape {
	vpci_sbdf_t sbdf;
	uint8_t header_type;
	uint64_t bar_size[6]; /* memory BARs only; 0: none or I/O */
	bool bar64[6];
	uint32_t rom_size;
	/* MSI-X table and PBA: BAR index and [offset, offset + bytes). */
	bool msix;
	unsigned int table_bir, pba_bir;
	uint64_t table_off, table_bytes, pba_off, pba_bytes;
};

struct model {
	struct fn_shape fn[NR_FNS];
	bool present[NR_FNS];   /* vpci_device_add succeeded */
	/* Its add failed (not a refusal for sharing frames): the host does
	 * not know it, so marking it read-only claims none of its frames
	 * until it is added (docs/header.md, rule 3). */
	bool unknown[NR_FNS];
	bool assigned[NR_FNS];  /* to the guest */
	bool readonly[NR_FNS];
	bool rom_absent[NR_FNS]; /* found sharing at assignment */
	uint64_t reserved_first, reserved_last; /* none: first > last */
	/* Set while judging an assignment: read the hardware domain's
	 * functions through its view (a ROM write waiting for map work shows
	 * there before it reaches the hardware). */
	struct vpci_domain *hw_view;
	unsigned int hw_view_skip; /* the function being assigned */
};

static struct model m;

/* A BAR or ROM dword of function i as the model reads it. */
static uint32_t reg_read(struct fake_platform *fp, unsigned int i,
			 unsigned int reg)
{
	if (m.hw_view && !m.assigned[i] && i != m.hw_view_skip)
		return vpci_read(m.hw_view, m.fn[i].sbdf, reg, 4);
	return fake_fn_get(fake_fn_find(fp, m.fn[i].sbdf), reg, 4);
}

static void set_bar(struct fake_fn *fn, struct fn_shape *s, unsigned int i,
		    uint64_t size, uint32_t flags, uint64_t addr)
{
	fake_fn_set_bar(fn, i, size, flags);
	fake_fn_set_bar_addr(fn, i, addr);
	if (!(flags & VPCI_BAR_SPACE_IO)) {
		s->bar_size[i] = size;
		s->bar64[i] = (flags & VPCI_BAR_MEM_TYPE_MASK) ==
			      VPCI_BAR_MEM_TYPE_64;
	}
}

static void set_msix(struct fake_fn *fn, struct fn_shape *s, unsigned int tbir,
		     uint32_t toff, unsigned int pbir, uint32_t poff)
{
	/* 16 entries: a 256-byte table, an 8-byte PBA. */
	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	fake_fn_set(fn, 0x40, 2, VPCI_CAP_ID_MSIX);
	fake_fn_set(fn, 0x42, 2, 15);
	fake_fn_set(fn, 0x44, 4, toff | tbir);
	fake_fn_set(fn, 0x48, 4, poff | pbir);
	s->msix = true;
	s->table_bir = tbir;
	s->table_off = toff;
	s->table_bytes = 256;
	s->pba_bir = pbir;
	s->pba_off = poff;
	s->pba_bytes = 8;
}

/*
 * Layout bits pick the variant:
 *  0: fn1's sub-page BAR shares a frame with fn0's sub-page BAR1
 *  1: fn0's MSI-X table lives in its sub-page BAR1, not in BAR0
 *  2: fn0's ROM has BAR0's host address (aliases the table's BAR)
 *  3: fn2's ROM register points into fn0's BAR0 (stale)
 *  4: fn0's PBA shares the table's page
 */
static void build_topology(struct fake_platform *fp, struct model *mm,
			   unsigned int layout)
{
	static const vpci_sbdf_t sbdfs[NR_FNS] = {
		VPCI_SBDF(0, 0, 0, 0), VPCI_SBDF(0, 0, 1, 0),
		VPCI_SBDF(0, 1, 0, 0), VPCI_SBDF(0, 1, 0, 1),
	};
	struct fake_fn *fn;
	struct fn_shape *s;
	unsigned int i;

	memset(mm, 0, sizeof(*mm));
	for (i = 0; i < NR_FNS; i++)
		mm->fn[i].sbdf = sbdfs[i];
	/* fn0: a NIC. BAR0 16 KiB, BAR1 256 bytes, BAR2 64-bit 1 MiB, BAR4
	 * I/O, ROM 32 KiB; MSI-X. Decoding on. */
	s = &mm->fn[0];
	fn = fake_fn_add(fp, s->sbdf);
	fake_fn_set_header(fn, 0x8086, 0x10d3, 0);
	set_bar(fn, s, 0, 0x4000, 0, 0xf0000000ull);
	set_bar(fn, s, 1, 0x100, 0, 0xf0004000ull);
	set_bar(fn, s, 2, 0x100000, VPCI_BAR_MEM_TYPE_64 | VPCI_BAR_MEM_PREFETCH,
		0x100000000ull);
	set_bar(fn, s, 4, 0x100, VPCI_BAR_SPACE_IO, 0xc000);
	s->rom_size = 0x8000;
	fake_fn_set_rom(fn, VPCI_REG_ROM_ADDRESS, s->rom_size,
			(layout & 4) ? 0xf0000000u : 0xf0010000u, false);
	if (layout & 2)
		set_msix(fn, s, 1, 0x0, (layout & 16) ? 1 : 0,
			 (layout & 16) ? 0x80 : 0x2000);
	else
		set_msix(fn, s, 0, 0x1000, 0, (layout & 16) ? 0x1800 : 0x3000);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	/* fn1: a bridge with a sub-page BAR, beside fn0's or not. */
	s = &mm->fn[1];
	fn = fake_fn_add(fp, s->sbdf);
	fake_fn_set_header(fn, 0x8086, 0x2000, 1);
	set_bar(fn, s, 0, 0x100,
		0, (layout & 1) ? 0xf0004800ull : 0xf0020000ull);
	s->header_type = 1;
	s->rom_size = 0x800;
	fake_fn_set_rom(fn, VPCI_REG_ROM_ADDRESS1, s->rom_size, 0xf0030000u,
			false);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	/* fn2: a 4 KiB BAR and a ROM, maybe stale over fn0's BAR0. */
	s = &mm->fn[2];
	fn = fake_fn_add(fp, s->sbdf);
	fake_fn_set_header(fn, 0x1af4, 0x1041, 0x80);
	set_bar(fn, s, 0, 0x1000, 0, 0xf0040000ull);
	s->rom_size = 0x1000;
	fake_fn_set_rom(fn, VPCI_REG_ROM_ADDRESS, s->rom_size,
			(layout & 8) ? 0xf0002000u : 0xf0050000u, false);
	/* fn3: junk config space and no BARs at all. */
	s = &mm->fn[3];
	fn = fake_fn_add(fp, s->sbdf);
	for (i = 0; i < 4096; i++) {
		fn->cfg[i] = (uint8_t)(0x5a ^ (i * 37) ^ (i >> 3));
		fn->wmask[i] = (uint8_t)(i < 0x40 ? 0xff : 0x0f);
	}
	fake_fn_set(fn, 0, 4, 0x12348086u);
	fake_fn_set(fn, 0x0e, 1, 0);
	for (i = 0x10; i < 0x34; i++)
		fn->cfg[i] = fn->wmask[i] = 0; /* no BARs, no ROM */
	fake_fn_set_w1cmask(fn, 0x06, 2, 0xf900);
}

/* --------------------------------------------------------- the shadow */

struct frames {
	uint64_t first[MAX_RANGES], last[MAX_RANGES];
	unsigned int nr;
};

static void frames_add(struct frames *f, uint64_t addr, uint64_t bytes)
{
	f->first[f->nr] = addr >> 12;
	f->last[f->nr] = (addr + bytes - 1) >> 12;
	f->nr++;
}

static bool frames_hold(const struct frames *f, uint64_t frame)
{
	unsigned int i;

	for (i = 0; i < f->nr; i++)
		if (f->first[i] <= frame && frame <= f->last[i])
			return true;
	return false;
}

static bool frames_meet(const struct frames *a, const struct frames *b)
{
	unsigned int i, j;

	for (i = 0; i < a->nr; i++)
		for (j = 0; j < b->nr; j++)
			if (a->first[i] <= b->last[j] && b->first[j] <= a->last[i])
				return true;
	return false;
}

/* BAR i's host address from the hardware, or 0 (unplaced, or holding its
 * sizing pattern). */
static uint64_t bar_addr(struct fake_platform *fp, const struct fn_shape *s,
			 unsigned int i)
{
	unsigned int f = (unsigned int)(s - m.fn);
	unsigned int reg = VPCI_REG_BAR0 + 4 * i;
	uint64_t mask = ~(s->bar_size[i] - 1) & ~0xfull;
	uint64_t v = reg_read(fp, f, reg);

	if (s->bar64[i])
		v |= (uint64_t)reg_read(fp, f, reg + 4) << 32;
	else
		mask &= 0xffffffffull;
	v &= mask;
	return v == mask ? 0 : v;
}

static uint64_t rom_addr(struct fake_platform *fp, const struct fn_shape *s)
{
	unsigned int reg = s->header_type == 1 ? VPCI_REG_ROM_ADDRESS1
					       : VPCI_REG_ROM_ADDRESS;
	uint32_t mask = ~(s->rom_size - 1) & VPCI_ROM_ADDR_MASK;
	uint32_t v = reg_read(fp, (unsigned int)(s - m.fn), reg) & mask;

	return v == mask ? 0 : v;
}

/* Host frames of a function's memory BARs (and ROM), as the hardware
 * holds them now. */
static void fn_frames(struct fake_platform *fp, const struct fn_shape *s,
		      bool with_rom, struct frames *out)
{
	unsigned int i;
	uint64_t a;

	out->nr = 0;
	for (i = 0; i < 6; i++)
		if (s->bar_size[i] && (a = bar_addr(fp, s, i)) != 0)
			frames_add(out, a, s->bar_size[i]);
	if (with_rom && s->rom_size && (a = rom_addr(fp, s)) != 0)
		frames_add(out, a, s->rom_size);
}

/* Host frames holding any byte of the function's MSI-X table or PBA. */
static void msix_frames(struct fake_platform *fp, const struct fn_shape *s,
			struct frames *out)
{
	uint64_t a;

	out->nr = 0;
	if (!s->msix)
		return;
	if ((a = bar_addr(fp, s, s->table_bir)) != 0)
		frames_add(out, a + s->table_off, s->table_bytes);
	if ((a = bar_addr(fp, s, s->pba_bir)) != 0)
		frames_add(out, a + s->pba_off, s->pba_bytes);
}

/* Does fn i's set of frames meet a BAR or ROM of any other function? */
static bool shares_with_others(struct fake_platform *fp,
			       unsigned int i, const struct frames *mine)
{
	struct frames theirs;
	unsigned int o;

	for (o = 0; o < NR_FNS; o++) {
		if (o == i)
			continue;
		fn_frames(fp, &m.fn[o], !(m.assigned[o] && m.rom_absent[o]),
			  &theirs);
		if (frames_meet(mine, &theirs))
			return true;
	}
	return false;
}

/* What each domain may hold, worked out once per step. */
struct allowed {
	struct frames guest[NR_FNS]; /* assigned functions' frames... */
	struct frames msix[NR_FNS];  /* ...minus these */
	struct frames hw_forbidden[NR_FNS];
};

static void work_out(struct fake_platform *fp, struct allowed *a)
{
	unsigned int i;

	for (i = 0; i < NR_FNS; i++) {
		a->guest[i].nr = a->msix[i].nr = a->hw_forbidden[i].nr = 0;
		if (m.assigned[i]) {
			fn_frames(fp, &m.fn[i], !m.rom_absent[i], &a->guest[i]);
			msix_frames(fp, &m.fn[i], &a->msix[i]);
			a->hw_forbidden[i] = a->guest[i];
		} else if (m.readonly[i] && !m.unknown[i]) {
			/* Every frame of every BAR and of the ROM, as the
			 * fuzzer built them: no write reaches the function,
			 * so where the hardware decodes is where it was put. */
			fn_frames(fp, &m.fn[i], true, &a->hw_forbidden[i]);
		}
	}
}

static bool guest_may_map(const struct allowed *a, uint64_t mfn)
{
	unsigned int i;

	for (i = 0; i < NR_FNS; i++)
		if (frames_hold(&a->guest[i], mfn) &&
		    !frames_hold(&a->msix[i], mfn))
			return true;
	return false;
}

static bool hwdom_may_map(const struct allowed *a, uint64_t first,
			  uint64_t last)
{
	struct frames run = {{first}, {last}, 1};
	unsigned int i;

	for (i = 0; i < NR_FNS; i++)
		if (frames_meet(&a->hw_forbidden[i], &run))
			return false;
	return true;
}

static void check_mappings(struct fake_platform *fp)
{
	struct allowed a;
	size_t r;

	if (fp->map_violations)
		abort(); /* a double map, or an unmap of an unmapped frame */
	work_out(fp, &a);
	for (r = 0; r < fp->nr_mappings; r++) {
		const struct fake_mapping *run = &fp->mappings[r];
		uint64_t last = run->mfn + run->nr - 1, k;

		if (m.reserved_first <= last && run->mfn <= m.reserved_last)
			abort();
		if (run->domid != GUEST_DOMID) {
			if (!hwdom_may_map(&a, run->mfn, last))
				abort();
			continue;
		}
		for (k = 0; k < run->nr; k++)
			if (!guest_may_map(&a, run->mfn + k))
				abort();
	}
}

/* Physical writes of this step: none to a read-only function; a guest's
 * only command, status and ROM of its own functions. */
static void check_writes(struct fake_platform *fp, bool guest_step)
{
	size_t a;
	unsigned int i;

	for (a = 0; a < fp->nr_accesses; a++) {
		const struct fake_access *acc = &fp->accesses[a];
		int who = -1;

		if (!acc->write)
			continue;
		for (i = 0; i < NR_FNS; i++)
			if (m.fn[i].sbdf == acc->sbdf)
				who = (int)i;
		if (who < 0)
			continue;
		if (m.readonly[who])
			abort();
		if (guest_step) {
			unsigned int rom = m.fn[who].header_type == 1
						   ? VPCI_REG_ROM_ADDRESS1
						   : VPCI_REG_ROM_ADDRESS;
			bool ok = acc->reg >= VPCI_REG_COMMAND &&
				  acc->reg + acc->size <= VPCI_REG_COMMAND + 4;

			ok |= acc->reg >= rom && acc->reg + acc->size <= rom + 4;
			if (!m.assigned[who] || !ok)
				abort();
		}
	}
}

/* ------------------------------------------------ platform hooks in use */

/*
 * The platform's quirk hook, as an integrator writes one: a latch at 0x40
 * in every view. The command register is the library's in both views, so
 * taking it must be refused, whatever state the device is in.
 */
static int quirk_init(void *ctx, struct vpci_dev *dev, enum vpci_view view)
{
	static uint32_t latch;

	(void)ctx;
	(void)view;
	if (vpci_add_register(dev, vpci_read_val, vpci_write_val,
			      VPCI_REG_COMMAND, 2, &latch, NULL) != VPCI_EEXIST)
		abort();
	return vpci_add_register(dev, vpci_read_val, vpci_write_val, 0x40, 4,
				 &latch, NULL);
}

/* Every map/unmap call of this step described a BAR of a function that
 * exists, as its owner sees it. */
static void check_descriptors(const struct fake_platform *fp)
{
	const uint8_t known = VPCI_MAP_PREFETCH | VPCI_MAP_64BIT |
			      VPCI_MAP_MSIX_REMAINDER;
	size_t i;

	for (i = 0; i < fp->nr_map_calls; i++) {
		const struct vpci_map_desc *d = &fp->map_calls[i].desc;
		unsigned int f = 0;

		if (d->bar == VPCI_MAP_STALE) {
			/* Only a retried unmap may not know its BAR. */
			if (!fp->map_calls[i].unmap || d->flags ||
			    d->host_sbdf != VPCI_MAP_NO_SBDF ||
			    d->owner_sbdf != VPCI_MAP_NO_SBDF)
				abort();
			continue;
		}
		while (f < NR_FNS && m.fn[f].sbdf != d->host_sbdf)
			f++;
		if (f == NR_FNS || d->bar > VPCI_MAP_ROM || (d->flags & ~known))
			abort();
		if ((d->flags & VPCI_MAP_64BIT) && d->bar >= 5)
			abort();
		if (d->bar == VPCI_MAP_ROM &&
		    (d->flags & (VPCI_MAP_PREFETCH | VPCI_MAP_64BIT)))
			abort();
		if (fp->map_calls[i].domid == 0 && d->owner_sbdf != d->host_sbdf)
			abort();
	}
}

/* -------------------------------------------------------- more steps */

/* The x86 port pair: the latch (often aimed at one of the functions), a
 * data access at any port near the window, any size, or AMD's extended
 * register bits on or off. */
static void cf8_step(struct vpci_domain *dom, struct fuzz_cursor *c)
{
	unsigned int sel = (unsigned int)fuzz_take(c, 1);
	unsigned int port = VPCI_CFC_PORT - 2u + ((sel >> 3) & 7u);
	unsigned int size = 1u << ((sel >> 6) & 3u);
	uint32_t v = (uint32_t)fuzz_take(c, 4);

	switch (sel & 3u) {
	case 0:
		if (sel & 4u) /* enable bit, one of ours, any register */
			v = VPCI_CF8_ENABLE | (m.fn[v & 3u].sbdf << 8) |
			    (v & 0x0f0000fcu);
		vpci_cf8_write(dom, v);
		if (vpci_cf8_read(dom) != v)
			abort();
		break;
	case 1:
		vpci_cfc_read(dom, port, size);
		break;
	case 2:
		vpci_cfc_write(dom, port, size, v);
		break;
	default:
		vpci_cf8_set_amd_ext(dom, sel & 4u);
		break;
	}
}

/*
 * Hot removal and re-adding of function f (not the guest's): refused
 * exactly when a BAR or the ROM of f, where the hardware has them now,
 * shares a host frame with a function the guest holds; refused, it no
 * longer decodes memory. (A function already read-only is never written,
 * so its sizes are unknown to vPCI: only its refusal is not judged.)
 */
static void readd_step(struct fake_platform *fp, struct vpci_host *host,
		       unsigned int f)
{
	struct frames mine, theirs;
	bool shares = false, was_ro = m.readonly[f];
	unsigned int o;
	int rc;

	if (vpci_device_remove(host, m.fn[f].sbdf))
		return; /* not there, or a failed unmap: keep it */
	fn_frames(fp, &m.fn[f], true, &mine);
	for (o = 0; o < NR_FNS; o++) {
		if (o == f || !m.assigned[o])
			continue;
		fn_frames(fp, &m.fn[o], !m.rom_absent[o], &theirs);
		shares |= frames_meet(&mine, &theirs);
	}
	rc = vpci_device_add(host, m.fn[f].sbdf);
	m.present[f] = rc == 0;
	m.unknown[f] = rc != 0 && rc != VPCI_EPERM;
	if (rc == VPCI_ENOMEM)
		return;
	if (!was_ro && (rc == VPCI_EPERM) != shares)
		abort();
	if (rc == VPCI_EPERM &&
	    (fake_fn_get(fake_fn_find(fp, m.fn[f].sbdf), VPCI_REG_COMMAND, 2) &
	     VPCI_CMD_MEMORY) && !was_ro)
		abort();
}

/* ------------------------------------------------------------ the fuzzer */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_cursor c = {data, size};
	struct fake_platform fp;
	struct vpci_host *host;
	struct vpci_domain *hw, *guest, *dom;
	unsigned int i, knobs, layout;

	fake_platform_init(&fp);
	/* The first byte picks preemption and allocation failure, the
	 * second the layout and a reserved frame. */
	knobs = (unsigned int)fuzz_take(&c, 1);
	layout = (unsigned int)fuzz_take(&c, 1);
	build_topology(&fp, &m, layout);
	m.reserved_first = 1;
	m.reserved_last = 0;
	fp.map_budget_frames = knobs & 0x7;
	if (knobs & 0x40) /* also part of the allocation knob: harmless */
		fp.ops.device_init = quirk_init;
	host = fuzz_host_with_guest(&fp, GUEST_DOMID, &hw, &guest);
	if (layout & 0x20) { /* a page of fn0's BAR2, or of fn2's BAR0 */
		m.reserved_first = m.reserved_last =
			(layout & 0x40) ? 0x100001ull : 0xf0040ull;
		if (vpci_host_reserve_frames(host, m.reserved_first, 1))
			abort();
	}
	/* From here on, allocations may fail: building device state must
	 * cope (the device becomes read-only or the call fails cleanly). */
	if (knobs & 0x80)
		fp.allocs_until_failure = (long)((knobs >> 3) & 0xf) * 3;
	vpci_domain_add_ecam(hw, ECAM_BASE, 0, 0, 1, NULL);
	vpci_domain_add_ecam(guest, ECAM_BASE, 0, 0, 0, NULL);
	for (i = 0; i < NR_FNS; i++) {
		int rc = vpci_device_add(host, m.fn[i].sbdf);

		m.present[i] = rc == 0;
		m.unknown[i] = rc != 0 && rc != VPCI_EPERM;
		m.readonly[i] = vpci_device_is_readonly(host, m.fn[i].sbdf);
	}
	fp.record_accesses = true;
	check_descriptors(&fp);
	check_mappings(&fp);

	while (c.left) {
		unsigned int op = (unsigned int)fuzz_take(&c, 1);
		unsigned int sz = 1u << (op >> 4 & 3);
		uint64_t addr, val = 0;
		bool guest_step = (op & 8) != 0;

		bool was_readonly[NR_FNS];

		fake_clear_records(&fp);
		memcpy(was_readonly, m.readonly, sizeof(was_readonly));
		dom = guest_step ? guest : hw;
		switch (op & 7) {
		case 0:
		case 1:
			addr = ECAM_BASE + (fuzz_take(&c, 3) & 0x3fffff);
			if (op & 0x40)
				addr = fuzz_take(&c, 8); /* anywhere at all */
			vpci_ecam_read(dom, addr, (op & 0x80) ? 3 : sz, &val);
			break;
		case 2:
		case 3:
			addr = ECAM_BASE + (fuzz_take(&c, 3) & 0x3fffff);
			vpci_ecam_write(dom, addr, sz, fuzz_take(&c, 8));
			break;
		case 4: {
			unsigned int which = (unsigned int)fuzz_take(&c, 1);
			unsigned int f = which & 3;
			vpci_sbdf_t s = m.fn[f].sbdf;

			guest_step = false;
			if (which & 0x80) {
				vpci_device_hide(host, s, NULL);
			} else if (which & 0x40) {
				vpci_device_set_readonly(host, s, NULL);
			} else {
				struct frames bars, rom;
				unsigned int slot = fuzz_take(&c, 1) & 31;
				bool shares;

				m.hw_view = hw;
				m.hw_view_skip = f;
				fn_frames(&fp, &m.fn[f], false, &bars);
				shares = shares_with_others(&fp, f, &bars);
				fn_frames(&fp, &m.fn[f], true, &rom);
				if (vpci_assign_device(
					    guest, s,
					    VPCI_SBDF(0, 0, slot, s & 7),
					    NULL) == 0) {
					/* Rule 2: never a shared frame. */
					if (shares)
						abort();
					m.assigned[f] = true;
					if (rom.nr > bars.nr) {
						struct frames r1 = {
							{rom.first[bars.nr]},
							{rom.last[bars.nr]},
							1};

						m.rom_absent[f] =
							shares_with_others(
								&fp, f, &r1);
					}
				}
				m.hw_view = NULL;
			}
			break;
		}
		case 5: {
			unsigned int which = (unsigned int)fuzz_take(&c, 1);
			unsigned int f = which & 3;

			guest_step = false;
			if (m.assigned[f]) {
				/* Gone from the guest whatever is returned. */
				vpci_deassign_device(guest, m.fn[f].sbdf, NULL);
				m.assigned[f] = false;
				m.rom_absent[f] = false;
			} else if (which & 0x80) {
				readd_step(&fp, host, f);
			}
			break;
		}
		case 6:
			if (op & 0x40) {
				cf8_step(dom, &c);
				break;
			}
			vpci_write(dom, (vpci_sbdf_t)fuzz_take(&c, 4),
				   (unsigned int)fuzz_take(&c, 2),
				   (unsigned int)fuzz_take(&c, 1),
				   (uint32_t)fuzz_take(&c, 4));
			break;
		default:
			vpci_process_pending(dom);
			break;
		}
		/* Writes judged by who was read-only when the step began: a
		 * function whose state cannot be rebuilt becomes read-only. */
		memcpy(m.readonly, was_readonly, sizeof(was_readonly));
		check_writes(&fp, guest_step);
		for (i = 0; i < NR_FNS; i++)
			m.readonly[i] = vpci_device_is_readonly(host,
								m.fn[i].sbdf);
		check_descriptors(&fp);
		check_mappings(&fp);
	}
	fp.allocs_until_failure = -1;
	vpci_host_destroy(host);
	if (fp.nr_mappings || fp.map_violations)
		abort(); /* everything unmapped, never a double map... */
	if (fp.live_allocs != 0)
		abort(); /* ...and the core leaked nothing */
	fake_platform_fini(&fp);
	return 0;
}
