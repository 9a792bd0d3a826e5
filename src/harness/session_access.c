/* SPDX-License-Identifier: MIT */
/*
 * Accesses through a replay session (see session.h): by host SBDF (the
 * session's own translation to the target domain's SBDF), by the target
 * domain's SBDF, through 0xCF8/0xCFC, through ECAM or MSI-X MMIO, and a
 * script's steps, which may be owed to an external emulator. Each write
 * finishes the work the core deferred, as a vCPU would before resuming.
 */
#include <stdio.h>

#include "session.h"
#include "vpci/cf8.h"

#define MAX_PENDING_ROUNDS 1000000u

static uint32_t all_ones(unsigned int size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1u;
}

uint32_t session_read(struct session *s, vpci_sbdf_t host_sbdf,
		      unsigned int reg, unsigned int size)
{
	const struct session_fn *fn = session_lookup(s, host_sbdf);

	if (!fn)
		return all_ones(size);
	return session_dom_read(s, fn->dom_sbdf, reg, size);
}

void session_write(struct session *s, vpci_sbdf_t host_sbdf, unsigned int reg,
		   unsigned int size, uint32_t val)
{
	const struct session_fn *fn = session_lookup(s, host_sbdf);

	if (fn)
		session_dom_write(s, fn->dom_sbdf, reg, size, val);
}

uint32_t session_dom_read(struct session *s, vpci_sbdf_t dom_sbdf,
			  unsigned int reg, unsigned int size)
{
	uint64_t token = 0;
	uint32_t val;
	int rc = vpci_config_read(s->target, dom_sbdf, reg, size, &val, &token);

	/* Dumps, exports and setpci lines cannot wait for script steps: the
	 * emulator answers at once. */
	if (rc == VPCI_EPENDING &&
	    emulators_answer(s->emulate, s->target, token, &val))
		val = all_ones(size);
	return val;
}

/* The replay platform never preempts, but the core may still defer work
 * to after a write; finish it before the next access, as a vCPU would
 * before resuming. */
static void finish_pending(struct session *s)
{
	unsigned int rounds = 0;
	int rc;

	do {
		rc = vpci_process_pending(s->target);
	} while (rc == VPCI_ERESTART && ++rounds < MAX_PENDING_ROUNDS);
	if (rc && rc != VPCI_ERESTART)
		fprintf(stderr,
			"vpci-harness: warning: pending map work failed: %s\n",
			vpci_strerror(rc));
}

void session_dom_write(struct session *s, vpci_sbdf_t dom_sbdf,
		       unsigned int reg, unsigned int size, uint32_t val)
{
	vpci_write(s->target, dom_sbdf, reg, size, val);
	finish_pending(s);
}

uint32_t session_port_in(struct session *s, unsigned int port,
			 unsigned int size)
{
	if (port == VPCI_CF8_PORT && size == 4)
		return vpci_cf8_read(s->target);
	/* Other 0xCF8-0xCFB accesses (0xCF9 reset control...) are the
	 * platform's own registers; the harness has none. */
	return vpci_cfc_read(s->target, port, size);
}

void session_port_out(struct session *s, unsigned int port, unsigned int size,
		      uint32_t val)
{
	if (port == VPCI_CF8_PORT && size == 4) {
		vpci_cf8_write(s->target, val);
		return;
	}
	vpci_cfc_write(s->target, port, size, val);
	finish_pending(s);
}

uint32_t session_addr_read(struct session *s, vpci_sbdf_t sbdf,
			   unsigned int reg, unsigned int size)
{
	return s->addr_by_dom ? session_dom_read(s, sbdf, reg, size)
			      : session_read(s, sbdf, reg, size);
}

void session_addr_write(struct session *s, vpci_sbdf_t sbdf, unsigned int reg,
			unsigned int size, uint32_t val)
{
	if (s->addr_by_dom)
		session_dom_write(s, sbdf, reg, size, val);
	else
		session_write(s, sbdf, reg, size, val);
}

int session_mmio_read(struct session *s, uint64_t gpa, unsigned int size,
		      uint64_t *val)
{
	int rc = vpci_msix_read(s->target, gpa, size, val);

	if (rc == VPCI_ENOENT)
		rc = vpci_ecam_read(s->target, gpa, size, val);
	return rc;
}

int session_mmio_write(struct session *s, uint64_t gpa, unsigned int size,
		       uint64_t val)
{
	int rc = vpci_msix_write(s->target, gpa, size, val);

	if (rc == VPCI_ENOENT)
		rc = vpci_ecam_write(s->target, gpa, size, val);
	if (!rc)
		finish_pending(s);
	return rc;
}

void session_dom_config(struct session *s, vpci_sbdf_t dom_sbdf,
			uint8_t buf[SESSION_CONFIG_BYTES])
{
	unsigned int off, i;

	for (off = 0; off < SESSION_CONFIG_BYTES; off += 4) {
		uint32_t val = session_dom_read(s, dom_sbdf, off, 4);

		for (i = 0; i < 4; i++)
			buf[off + i] = (uint8_t)(val >> (8 * i));
	}
}

int session_script_access(struct session *s, bool write, vpci_sbdf_t sbdf,
			  unsigned int reg, unsigned int size, uint32_t *val,
			  unsigned long *pending_id)
{
	uint64_t token = 0;
	int rc;

	if (!s->addr_by_dom) {
		const struct session_fn *fn = session_lookup(s, sbdf);

		if (!fn) {
			*val = all_ones(size);
			return 0;
		}
		sbdf = fn->dom_sbdf;
	}
	if (write)
		rc = vpci_config_write(s->target, sbdf, reg, size, *val,
				       &token);
	else
		rc = vpci_config_read(s->target, sbdf, reg, size, val, &token);
	if (rc != VPCI_EPENDING) {
		if (write)
			finish_pending(s);
		return 0;
	}
	*pending_id = emulators_number(s->emulate, token);
	return 1;
}
