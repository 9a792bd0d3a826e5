/* SPDX-License-Identifier: MIT */
/*
 * A replay session: one loaded topology behind a hardware model, a vPCI
 * host over it, the hardware domain and optionally one guest with devices
 * assigned. It owns the translation from a host SBDF (what the user
 * types) to the SBDF the replayed domain uses for it, and the list of
 * functions that domain can see. Subcommands (script, dump, export, stats)
 * only read through it.
 */
#ifndef HARNESS_SESSION_H
#define HARNESS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "emulate.h"
#include "replay_platform.h"
#include "selector.h"
#include "topology.h"
#include "vpci/cf8.h"
#include "vpci/vpci.h"

#define SESSION_HWDOM_ID 0u
#define SESSION_GUEST_ID 1u

/* How a --guest element was written (see guest_list_parse()). */
struct guest_entry {
	bool whole_slot;	/* "BB:DD": every function of the slot */
	bool placed;		/* "HOST@GUEST" */
	vpci_sbdf_t guest_slot; /* with placed: the guest's slot (fn 0) */
};

/* A list of SBDFs given on the command line. */
struct sbdf_list {
	vpci_sbdf_t *sbdfs;
	size_t nr;
	/* NULL, or beside sbdfs: how each --guest element was written. */
	struct guest_entry *entries;
};

/* --vfs PF=N: the hardware domain enables N VFs of PF at set-up. */
struct session_vfs {
	vpci_sbdf_t pf;
	unsigned int nr;
};

struct session_options {
	struct sbdf_list guest; /* non-empty: create a guest with these */
	struct sbdf_list hide;
	struct sbdf_list ro;
	bool trace; /* print map/unmap events of the replayed domain */
	/* Scripts name functions by the guest's own (virtual) SBDFs. */
	bool guest_sbdf;
	/* -s/-d: which functions dumps, exports, mounts (domain SBDFs)
	 * and stats (host SBDFs) show; unset shows all. */
	struct selector select;
	FILE *trace_out; /* where (stdout when NULL) */
	uint32_t host_limits; /* VPCI_HOST_NO_*_VPCI (--no-guest-vpci ...) */
	uint32_t policy;      /* VPCI_POLICY_* (--policy) */
	/* --bridge-only: the guest has its host bridge and vPCI off. */
	bool bridge_only;
	/* --emulate: virtual functions of the guest (a guest is created for
	 * them even without --guest). The session queues their requests
	 * here. */
	struct emulators emulate;
	struct session_vfs *vfs; /* --vfs, in the order given */
	size_t nr_vfs;
	/* Optional: told of every map/unmap and interrupt binding from the
	 * moment the host exists (before the hardware domain maps). */
	const struct replay_listener *listener;
	void *listener_arg;
};

/* One function the replayed domain sees. */
struct session_fn {
	vpci_sbdf_t host_sbdf;
	vpci_sbdf_t dom_sbdf; /* virtual for a guest, host_sbdf otherwise */
	const struct topo_fn *topo; /* NULL for a stub */
	bool stub; /* the core's stub function 0 (only in view_by_dom) */
	/* An emulated function with no host SBDF: the guest's host bridge
	 * or an --emulate function (only in view_by_dom). */
	bool emulated;
};

struct session {
	struct topology topo;
	struct hwmodel hw;
	struct replay_platform plat;
	struct vpci_host *host;
	struct vpci_domain *hwdom;
	struct vpci_domain *guest;  /* NULL without --guest/--emulate/... */
	struct emulators *emulate;  /* the options' scripted emulators */
	struct vpci_domain *target; /* the domain scripts and dumps use */
	bool addr_by_dom; /* session_addr_*: SBDFs are the domain's own */
	struct selector select;
	struct session_fn *view; /* sorted by host_sbdf */
	size_t nr_view;
	/* The same plus stub functions 0 and emulated functions, sorted by
	 * dom_sbdf, only those the selector picks: what dumps, exports and
	 * mounts show. */
	struct session_fn *view_by_dom;
	size_t nr_view_by_dom;
	/* The hardware model's vf_changes when the list last followed it. */
	unsigned long vf_changes_seen;
};

/*
 * Load the topology at path and build the session. Loader warnings and
 * the unknown-BAR-size note go to stderr, once. On failure prints nothing
 * and returns -1 with msg filled (one line naming the file or device).
 */
int session_open(struct session *s, const char *path,
		 const struct session_options *opt, char *msg, size_t msg_len);
void session_close(struct session *s);

/* Where the replayed domain's map/unmap and interrupt lines go (NULL:
 * nowhere). Returns the stream before, so the harness can pause tracing
 * around its own enumeration and resume it. */
FILE *session_set_trace(struct session *s, FILE *out);
FILE *session_trace_out(const struct session *s);

/* The visible function at host_sbdf, or NULL when the domain cannot see
 * it. */
const struct session_fn *session_lookup(const struct session *s,
					vpci_sbdf_t host_sbdf);

/* Config access by the replayed domain to the function at host_sbdf;
 * functions it cannot see read all-ones and ignore writes. */
uint32_t session_read(struct session *s, vpci_sbdf_t host_sbdf,
		      unsigned int reg, unsigned int size);
void session_write(struct session *s, vpci_sbdf_t host_sbdf, unsigned int reg,
		   unsigned int size, uint32_t val);

/* The same through the domain's own SBDF (virtual for a guest). */
uint32_t session_dom_read(struct session *s, vpci_sbdf_t dom_sbdf,
			  unsigned int reg, unsigned int size);
void session_dom_write(struct session *s, vpci_sbdf_t dom_sbdf,
		       unsigned int reg, unsigned int size, uint32_t val);

/* Port I/O by the replayed domain to 0xCF8-0xCFF (x86 configuration
 * mechanism #1): a dword at 0xCF8 is the address latch, 0xCFC-0xCFF the
 * data window; anything else reads all-ones and ignores writes. */
uint32_t session_port_in(struct session *s, unsigned int port,
			 unsigned int size);
void session_port_out(struct session *s, unsigned int port,
		      unsigned int size, uint32_t val);

/* The same through the SBDF a user typed: the host's, or with
 * session_options.guest_sbdf the domain's own. */
uint32_t session_addr_read(struct session *s, vpci_sbdf_t sbdf,
			   unsigned int reg, unsigned int size);
void session_addr_write(struct session *s, vpci_sbdf_t sbdf, unsigned int reg,
			unsigned int size, uint32_t val);

/*
 * MMIO by the replayed domain at guest-physical gpa, size 1, 2, 4 or 8:
 * through the core's own entry points, MSI-X frames first, then the
 * domain's ECAM windows (one per segment it sees, at SESSION_ECAM_BASE +
 * segment * 256 MiB). Returns 0, or VPCI_ENOENT when neither claims gpa.
 */
#define SESSION_ECAM_BASE 0x4000000000000ull
#define SESSION_ECAM_SEG_STRIDE 0x10000000ull
int session_mmio_read(struct session *s, uint64_t gpa, unsigned int size,
		      uint64_t *val);
int session_mmio_write(struct session *s, uint64_t gpa, unsigned int size,
		       uint64_t val);

/*
 * A script's r/w access through the SBDF a user typed (as
 * session_addr_read()). Returns 0 when done (*val for a read), or 1 when
 * an --emulate function with a delay answers later: *pending_id numbers
 * the request for its "complete ID" line, printed by session_step().
 * Other accesses (dumps, setpci lines) get such answers at once.
 */
int session_script_access(struct session *s, bool write, vpci_sbdf_t sbdf,
			  unsigned int reg, unsigned int size, uint32_t *val,
			  unsigned long *pending_id);
/* A script step has run (all: the script ended): answer the emulator
 * requests now due, printing "complete ID [0xVALUE]" lines on out, and
 * when the step enabled or disabled VFs, list the hardware domain's
 * functions anew so dumps and exports show the VFs that exist. Returns 0,
 * or -1 with msg (out of memory). */
int session_step(struct session *s, bool all, FILE *out, char *msg,
		 size_t msg_len);

/* The whole 4096-byte config space of dom_sbdf as the domain reads it,
 * in 4-byte reads. */
#define SESSION_CONFIG_BYTES 4096u
void session_dom_config(struct session *s, vpci_sbdf_t dom_sbdf,
			uint8_t buf[SESSION_CONFIG_BYTES]);

#endif /* HARNESS_SESSION_H */
