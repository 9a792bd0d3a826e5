/* SPDX-License-Identifier: MIT */
/*
 * Just enough of an NVMe controller for Linux's nvme driver to bring up
 * its admin queue, so it requests and unmasks its MSI-X vector and the
 * core's interrupt hooks see it (docs/vmm.md). A replayed BAR is plain
 * memory: there CSTS.RDY never follows CC.EN and the driver gives up
 * before it asks for an interrupt.
 *
 * The model owns the first two pages of BAR 0 of every function of
 * class 01:08:02 in the booted domain: the controller registers (NVMe
 * 1.3, section 3.1) and the admin queue's doorbells. main.c leaves them
 * out of the BAR's memory slots, so the guest's accesses exit and come
 * here. CAP says: 1024-entry queues, doorbell stride 4, 4 KiB pages, the
 * NVM command set, ready within 500 ms; CSTS.RDY follows CC.EN at once
 * and a shutdown completes at once. Every admin command completes at once
 * with Internal Error (do not retry), and the completion is signalled
 * through the MSI-X vector the driver bound: its interrupt handler runs,
 * Identify fails and the driver lets go of the function, without waiting
 * out a command timeout. Nothing else (I/O queues, namespaces) exists.
 *
 * Guest-physical queue addresses are the guest's to choose: every entry
 * is checked against guest RAM before it is read or written.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm.h"

#define PAGE 4096ull

enum {
	REG_CAP = 0x00, /* 64-bit */
	REG_VS = 0x08,
	REG_CC = 0x14,
	REG_CSTS = 0x1c,
	REG_AQA = 0x24,
	REG_ASQ = 0x28, /* 64-bit */
	REG_ACQ = 0x30, /* 64-bit */
	REG_SQ0_TAIL = 0x1000,
	REG_CQ0_HEAD = 0x1004,
};

#define CAP_VALUE                                                              \
	(0x3ffull /* MQES: 1024 entries */ | 1ull << 16 /* CQR */ |            \
	 1ull << 24 /* TO: 500 ms */ | 1ull << 37 /* CSS: NVM */)
#define VS_VALUE       0x00010300u /* 1.3.0 */
#define CC_EN	       0x1u
#define CC_SHN_MASK    0xc000u
#define CSTS_RDY       0x1u
#define CSTS_SHST_DONE 0x8u
#define SQE_BYTES      64u
#define CQE_BYTES      16u
/* Status field of a completion (bits 31:17 of its last dword): Internal
 * Error (generic command status 06h) with Do Not Retry set. */
#define STATUS_INTERNAL_DNR (0x06u | 1u << 14)

void nvme_models_init(struct nvme_models *m, FILE *events)
{
	memset(m, 0, sizeof(*m));
	m->events = events;
}

void nvme_models_add(struct nvme_models *m, vpci_sbdf_t sbdf, const char *name)
{
	struct nvme_ctrl *c;

	if (m->nr >= NVME_MAX_CTRLS)
		return;
	c = &m->ctrl[m->nr++];
	memset(c, 0, sizeof(*c));
	c->sbdf = sbdf;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->cq_phase = 1;
}

struct nvme_ctrl *nvme_models_for_bar(struct nvme_models *m, vpci_sbdf_t sbdf,
				      unsigned int bar)
{
	size_t i;

	for (i = 0; bar == 0 && i < m->nr; i++)
		if (m->ctrl[i].sbdf == sbdf)
			return &m->ctrl[i];
	return NULL;
}

struct nvme_ctrl *nvme_models_at(struct nvme_models *m, uint64_t gpa)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		struct nvme_ctrl *c = &m->ctrl[i];

		if (c->bar_gpa && gpa >= c->bar_gpa &&
		    gpa < c->bar_gpa + NVME_MODEL_BYTES)
			return c;
	}
	return NULL;
}

static uint32_t reg_read32(const struct nvme_ctrl *c, uint64_t off)
{
	switch (off) {
	case REG_CAP:
		return (uint32_t)CAP_VALUE;
	case REG_CAP + 4:
		return (uint32_t)(CAP_VALUE >> 32);
	case REG_VS:
		return VS_VALUE;
	case REG_CC:
		return c->cc;
	case REG_CSTS:
		return ((c->cc & CC_EN) ? CSTS_RDY : 0) |
		       ((c->cc & CC_SHN_MASK) ? CSTS_SHST_DONE : 0);
	case REG_AQA:
		return c->aqa;
	case REG_ASQ:
		return (uint32_t)c->asq;
	case REG_ASQ + 4:
		return (uint32_t)(c->asq >> 32);
	case REG_ACQ:
		return (uint32_t)c->acq;
	case REG_ACQ + 4:
		return (uint32_t)(c->acq >> 32);
	}
	return 0; /* reserved, optional features, doorbells */
}

static void set_half(uint64_t *reg, bool high, uint32_t val)
{
	if (high)
		*reg = (*reg & 0xffffffffull) | (uint64_t)val << 32;
	else
		*reg = (*reg & ~0xffffffffull) | val;
}

/* Guest RAM at gpa for bytes, or NULL when any of it is outside. */
static uint8_t *guest_ram(struct kvm_vm *vm, uint64_t gpa, uint64_t bytes)
{
	if (gpa >= vm->ram_bytes || bytes > vm->ram_bytes - gpa)
		return NULL;
	return vm->ram + gpa;
}

static void signal_vector(struct nvme_models *m, struct nvme_ctrl *c,
			  struct kvm_vm *vm)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)c->msi_address,
		.address_hi = (uint32_t)(c->msi_address >> 32),
		.data = c->msi_data,
	};
	int rc;

	if (!c->vector_bound) {
		c->nr_unsignalled++;
		return;
	}
	rc = ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi);
	if (m->events)
		fprintf(m->events,
			"nvme-irq %s 0x%" PRIx64 " 0x%" PRIx32 " %d\n", c->name,
			c->msi_address, c->msi_data, rc < 0 ? -errno : rc);
}

/* The admin submission queue's tail moved to new_tail: complete every
 * command from the head up to it with an error, then interrupt. */
static void run_admin_queue(struct nvme_models *m, struct nvme_ctrl *c,
			    struct kvm_vm *vm, uint32_t new_tail)
{
	uint32_t sq_entries = (c->aqa & 0xfffu) + 1;
	uint32_t cq_entries = ((c->aqa >> 16) & 0xfffu) + 1;
	unsigned int done = 0;

	if (!(c->cc & CC_EN) || new_tail >= sq_entries)
		return;
	/* AQA may have shrunk under queues in use. */
	c->sq_head %= sq_entries;
	c->cq_tail %= cq_entries;
	while (c->sq_head != new_tail && done < sq_entries) {
		const uint8_t *sqe = guest_ram(
			vm, c->asq + c->sq_head * SQE_BYTES, SQE_BYTES);
		uint8_t *cqe = guest_ram(vm, c->acq + c->cq_tail * CQE_BYTES,
					 CQE_BYTES);
		uint16_t cid;
		uint32_t dw2, dw3;

		if (!sqe || !cqe)
			return; /* queues outside RAM: the guest's problem */
		memcpy(&cid, sqe + 2, sizeof(cid));
		c->sq_head = (c->sq_head + 1) % sq_entries;
		dw2 = c->sq_head; /* SQ head; SQ id 0 */
		dw3 = cid | (uint32_t)c->cq_phase << 16 |
		      STATUS_INTERNAL_DNR << 17;
		memset(cqe, 0, 8);
		memcpy(cqe + 8, &dw2, 4);
		memcpy(cqe + 12, &dw3, 4);
		if (m->events)
			fprintf(m->events, "nvme-cqe %s opcode 0x%02x cid %u\n",
				c->name, sqe[0], cid);
		if (++c->cq_tail == cq_entries) {
			c->cq_tail = 0;
			c->cq_phase ^= 1;
		}
		done++;
	}
	if (done)
		signal_vector(m, c, vm);
}

static void reg_write32(struct nvme_models *m, struct nvme_ctrl *c,
			struct kvm_vm *vm, uint64_t off, uint32_t val)
{
	switch (off) {
	case REG_CC:
		if ((c->cc & CC_EN) && !(val & CC_EN)) {
			/* Disabled: the queues start over (section 7.6.2). */
			c->sq_head = c->cq_tail = 0;
			c->cq_phase = 1;
		}
		c->cc = val;
		break;
	case REG_AQA:
		c->aqa = val & 0x0fff0fffu;
		break;
	case REG_ASQ:
	case REG_ASQ + 4:
		set_half(&c->asq, off != REG_ASQ, val);
		c->asq &= ~(PAGE - 1);
		break;
	case REG_ACQ:
	case REG_ACQ + 4:
		set_half(&c->acq, off != REG_ACQ, val);
		c->acq &= ~(PAGE - 1);
		break;
	case REG_SQ0_TAIL:
		run_admin_queue(m, c, vm, val & 0xffffu);
		break;
	}
}

void nvme_model_access(struct nvme_models *m, struct nvme_ctrl *c,
		       struct kvm_vm *vm, uint64_t gpa, unsigned int len,
		       bool write, uint64_t *val)
{
	uint64_t off = gpa - c->bar_gpa, base = off & ~3ull;
	unsigned int i;

	c->nr_accesses++;
	/* Registers are dwords (a 64-bit one is two); other widths and
	 * misaligned accesses read 0 and write nothing. */
	if ((len != 4 && len != 8) || (off & 3)) {
		if (!write)
			*val = 0;
		return;
	}
	for (i = 0; i < len / 4; i++) {
		if (write)
			reg_write32(m, c, vm, base + 4 * i,
				    (uint32_t)(*val >> (32 * i)));
		else if (i == 0)
			*val = reg_read32(c, base);
		else
			*val |= (uint64_t)reg_read32(c, base + 4) << 32;
	}
}

void nvme_model_vector(struct nvme_ctrl *c, unsigned int vector, bool bound,
		       const struct vpci_msi_msg *msg)
{
	/* The admin queue completes on vector 0 (Linux's nvme driver puts
	 * it there; NVMe says the admin CQ uses interrupt vector 0). */
	if (vector != 0)
		return;
	c->vector_bound = bound;
	if (bound) {
		c->msi_address = msg->address;
		c->msi_data = msg->data;
	}
}
