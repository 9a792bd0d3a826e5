/* SPDX-License-Identifier: MIT */
/*
 * Stub: Xen's spinlocks and reader/writer locks, as functions over
 * opaque-enough structs (the fake implementation checks their use).
 */
#ifndef PORT_STUB_XEN_SPINLOCK_H
#define PORT_STUB_XEN_SPINLOCK_H

typedef struct {
	volatile int held;
} spinlock_t;

typedef struct {
	volatile int readers;
	volatile int writer;
} rwlock_t;

void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
void read_lock(rwlock_t *l);
void read_unlock(rwlock_t *l);
void write_lock(rwlock_t *l);
void write_unlock(rwlock_t *l);

#endif /* PORT_STUB_XEN_SPINLOCK_H */
