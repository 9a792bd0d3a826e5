/* SPDX-License-Identifier: MIT */
/*
 * Frames the core maps, as KVM memory slots. A replayed capture has no
 * device memory, so each mapped range is backed by fresh anonymous
 * memory: the guest's driver reads zeros there and its writes stay. What
 * matters is where the slots are: an access anywhere else in a BAR exits
 * to the VMM (KVM_EXIT_MMIO), where main.c hands MSI-X frames to the core
 * and records the rest.
 *
 * Unmaps need not match maps (a frame shared by two BARs is mapped once
 * and released by whichever BAR lets go last), so an unmap cuts every
 * slot it overlaps and keeps the pieces outside it.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm.h"

#define FRAME ((uint64_t)4096)

void bar_slots_init(struct bar_slots *bs, FILE *events)
{
	memset(bs, 0, sizeof(*bs));
	bs->events = events;
}

static int kvm_slot_set(struct bar_slots *bs, struct bar_slot *s, bool on)
{
	struct kvm_userspace_memory_region region = {
		.slot = (uint32_t)s->slot,
		.guest_phys_addr = s->gpa,
		.memory_size = on ? s->bytes : 0,
		.userspace_addr = (uintptr_t)s->hva,
	};

	if (ioctl(bs->vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region)) {
		fprintf(stderr,
			"vpci-vmm: %s slot at 0x%" PRIx64 " (+0x%" PRIx64
			"): %s\n",
			on ? "cannot add" : "cannot remove", s->gpa, s->bytes,
			strerror(errno));
		bs->nr_errors++;
		return -1;
	}
	return 0;
}

/* Give s a KVM slot (once attached). */
static void slot_add(struct bar_slots *bs, struct bar_slot *s)
{
	unsigned int i;

	s->slot = -1;
	if (!bs->vm)
		return;
	for (i = 1; i < bs->vm->nr_slots; i++)
		if (!bs->slot_used[i])
			break;
	if (i >= bs->vm->nr_slots) {
		fprintf(stderr, "vpci-vmm: out of KVM memory slots\n");
		bs->nr_errors++;
		return;
	}
	s->slot = (int)i;
	if (kvm_slot_set(bs, s, true)) {
		s->slot = -1;
		return;
	}
	bs->slot_used[i] = true;
}

static void slot_remove(struct bar_slots *bs, struct bar_slot *s)
{
	if (!bs->vm || s->slot < 0)
		return;
	kvm_slot_set(bs, s, false);
	bs->slot_used[s->slot] = false;
	s->slot = -1;
}

static struct bar_slot *push(struct bar_slots *bs, uint64_t gpa,
			     uint64_t bytes, uint8_t *hva)
{
	if (bs->nr == bs->cap) {
		size_t cap = bs->cap ? 2 * bs->cap : 16;
		struct bar_slot *p = realloc(bs->slots, cap * sizeof(*p));

		if (!p) {
			bs->nr_errors++;
			return NULL;
		}
		bs->slots = p;
		bs->cap = cap;
	}
	bs->slots[bs->nr] = (struct bar_slot){ gpa, bytes, hva, -1 };
	return &bs->slots[bs->nr++];
}

int bar_slots_attach(struct bar_slots *bs, struct kvm_vm *vm)
{
	size_t i;

	bs->slot_used = calloc(vm->nr_slots, sizeof(bool));
	if (!bs->slot_used)
		return -1;
	bs->slot_used[0] = true; /* RAM */
	bs->vm = vm;
	for (i = 0; i < bs->nr; i++)
		slot_add(bs, &bs->slots[i]);
	return bs->nr_errors ? -1 : 0;
}

void bar_slots_map(struct bar_slots *bs, uint64_t gfn, uint64_t nr_frames)
{
	uint64_t bytes = nr_frames * FRAME;
	void *hva;
	struct bar_slot *s;

	if (bs->events)
		fprintf(bs->events, "map 0x%" PRIx64 " 0x%" PRIx64 "\n",
			gfn * FRAME, bytes);
	hva = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (hva == MAP_FAILED) {
		fprintf(stderr, "vpci-vmm: no memory for a BAR slot: %s\n",
			strerror(errno));
		bs->nr_errors++;
		return;
	}
	/* The guest touches a few pages of a big BAR: backing each with a
	 * zeroed 2 MiB huge page costs far more than the page (seconds in
	 * all, when the host is itself an emulated CPU). */
	madvise(hva, bytes, MADV_NOHUGEPAGE);
	s = push(bs, gfn * FRAME, bytes, hva);
	if (s)
		slot_add(bs, s);
}

void bar_slots_unmap(struct bar_slots *bs, uint64_t gfn, uint64_t nr_frames)
{
	uint64_t lo = gfn * FRAME, hi = lo + nr_frames * FRAME;
	size_t i = 0;

	if (bs->events)
		fprintf(bs->events, "unmap 0x%" PRIx64 " 0x%" PRIx64 "\n", lo,
			hi - lo);
	while (i < bs->nr) {
		struct bar_slot old = bs->slots[i];
		uint64_t end = old.gpa + old.bytes;
		struct bar_slot *s;

		if (end <= lo || old.gpa >= hi) {
			i++;
			continue;
		}
		slot_remove(bs, &bs->slots[i]);
		bs->slots[i] = bs->slots[--bs->nr];
		/* The pieces outside [lo, hi) stay mapped: they go to the
		 * end of the list, past the loop's interest. */
		if (old.gpa < lo && (s = push(bs, old.gpa, lo - old.gpa,
					      old.hva)))
			slot_add(bs, s);
		if (end > hi && (s = push(bs, hi, end - hi,
					  old.hva + (hi - old.gpa))))
			slot_add(bs, s);
	}
}

uint64_t bar_slots_frames(const struct bar_slots *bs)
{
	uint64_t frames = 0;
	size_t i;

	for (i = 0; i < bs->nr; i++)
		frames += bs->slots[i].bytes / FRAME;
	return frames;
}

static int by_gpa(const void *a, const void *b)
{
	const struct bar_slot *x = a, *y = b;

	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

void bar_slots_print(const struct bar_slots *bs, FILE *out)
{
	struct bar_slot *sorted = malloc((bs->nr + 1) * sizeof(*sorted));
	size_t i;

	if (!sorted)
		return;
	memcpy(sorted, bs->slots, bs->nr * sizeof(*sorted));
	qsort(sorted, bs->nr, sizeof(*sorted), by_gpa);
	for (i = 0; i < bs->nr; i++)
		fprintf(out, "mapped 0x%" PRIx64 " 0x%" PRIx64 "\n",
			sorted[i].gpa, sorted[i].bytes);
	free(sorted);
}

void bar_slots_free(struct bar_slots *bs)
{
	/* The anonymous backing goes with the process: pieces of one
	 * mapping may sit in several slots. */
	free(bs->slots);
	free(bs->slot_used);
	memset(bs, 0, sizeof(*bs));
}
