/* SPDX-License-Identifier: MIT */
/*
 * Scripted external emulators for `--emulate SBDF=FILE[,delay=N]`: a
 * purely virtual guest function whose config space comes from FILE,
 * served through libvpci's emulator interface like an ioreq server would.
 * Without delay it answers at once; with delay=N it answers
 * VPCI_EPENDING and the request completes once N more script steps have
 * run (0: right after the access), through vpci_emulator_complete().
 *
 * FILE holds lspci -x style lines, "OFFSET: BYTE BYTE ..." in hex (an
 * lspci header line "BB:DD.F description" and '#' comments are skipped);
 * bytes not given read 0. Vendor, device, revision, class and header type
 * are read-only; everything else keeps what the guest writes.
 */
#ifndef HARNESS_EMULATE_H
#define HARNESS_EMULATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vpci/vpci.h"

#define EMULATE_CONFIG_BYTES 4096u

struct emu_fn {
	vpci_sbdf_t sbdf; /* the guest's SBDF: it has no host one */
	char *file;
	uint8_t config[EMULATE_CONFIG_BYTES];
	bool async;
	unsigned long delay; /* script steps before an async answer */
	struct emulators *owner;
};

/* A request the emulator has not answered yet. */
struct emu_pending {
	uint64_t token;
	unsigned long id;  /* the script's number for it; 0: none yet */
	unsigned long due; /* the step at which it is answered */
	struct emu_fn *fn;
	unsigned int reg, size;
	bool write;
	uint32_t val;
};

struct emulators {
	struct emu_fn **fns;
	size_t nr;
	struct emu_pending *pending;
	size_t nr_pending, cap_pending;
	unsigned long step; /* script steps run so far */
	unsigned long next_id;
};

/* The ops to register each emu_fn with (arg: the struct emu_fn). */
extern const struct vpci_emulator_ops emulate_ops;

/*
 * Parse "SBDF=FILE[,delay=N]" and load FILE into a new function of e.
 * Returns 0, or -1 with msg filled (naming the file and line at fault).
 */
int emulate_add(struct emulators *e, const char *arg, char *msg,
		size_t msg_len);
void emulators_free(struct emulators *e);

/* Number the pending request token for the script's "pending ID" line
 * (1, 2, ... in the order the script saw them); 0 if not pending. */
unsigned long emulators_number(struct emulators *e, uint64_t token);

/*
 * Answer the pending request token now (a dump cannot wait for script
 * steps). Returns what vpci_emulator_complete() returned; *val is the
 * access's result.
 */
int emulators_answer(struct emulators *e, struct vpci_domain *dom,
		     uint64_t token, uint32_t *val);

/*
 * One script step has run: answer the requests now due (all of them when
 * all is set), printing "complete ID 0xVALUE" (reads) or "complete ID"
 * (writes) on out, oldest first.
 */
void emulators_step(struct emulators *e, struct vpci_domain *dom, bool all,
		    FILE *out);

#endif /* HARNESS_EMULATE_H */
