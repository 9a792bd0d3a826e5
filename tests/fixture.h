/* SPDX-License-Identifier: MIT */
/*
 * The scenery most tests and benchmarks start from: a fake platform, a
 * host over it, a hardware domain and a guest, and a strict teardown that
 * fails the test when the host left anything behind (a mapping, a map or
 * unmap the fake counted as a violation, an allocation). Tests that need
 * more keep a struct fixture as a member, or change the fake's ops between
 * fixture_init() and fixture_create_host().
 */
#ifndef TESTS_FIXTURE_H
#define TESTS_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "fake_platform.h"

#define FIXTURE_HW_ID	 0u
#define FIXTURE_GUEST_ID 7u

struct fixture {
	struct fake_platform fp;
	struct vpci_host *host;
	struct vpci_domain *hwdom; /* FIXTURE_HW_ID, once created */
	struct vpci_domain *guest; /* the guest created last, if any */
};

/* The fake platform alone: its ops may still be changed. */
void fixture_init(struct fixture *f);
/* The host over the fake; limits are VPCI_HOST_* flags. Fails the test
 * (or exits a benchmark) when the core refuses. */
void fixture_create_host(struct fixture *f, uint32_t limits);
/* A hardware domain or a guest with vPCI, as f->hwdom / f->guest. */
struct vpci_domain *fixture_create_hwdom(struct fixture *f);
struct vpci_domain *fixture_create_guest(struct fixture *f, uint32_t domid);
/* Destroys the host, checks it left the platform clean, frees the fake. */
void fixture_fini(struct fixture *f);

/* Allocated fixtures: a host (and domains, as named) on a fresh fake. */
struct fixture *fixture_new(uint32_t limits, bool irq_hooks);
void fixture_free(struct fixture *f);

/* cmocka set-ups and the teardown that goes with each: *state is the
 * struct fixture. "irq": the fake's interrupt and MMIO hooks are on. */
int fixture_setup_host(void **state);
int fixture_setup_hwdom(void **state);
int fixture_setup_hwdom_guest(void **state);
int fixture_setup_hwdom_guest_irq(void **state);
int fixture_teardown(void **state);

#endif /* TESTS_FIXTURE_H */
