/* SPDX-License-Identifier: MIT */
/*
 * vpci-vmm: a small x86-64 KVM VMM whose PCI bus is libvpci over a
 * replayed capture (docs/vmm.md). The pieces, one per file:
 *  main.c       options, the session, the vCPU loop and its exits
 *  kvm_vm.c     the VM, guest RAM, the in-kernel PIC/IOAPIC/PIT, the vCPU
 *  linux_boot.c bzImage + initramfs + command line, Linux boot protocol
 *  initramfs.c  the newc archive holding the guest's init
 *  bar_slots.c  frames the core maps, as KVM memory slots
 *  serial.c     a 16550 at 0x3f8 (transmit only)
 *  nvme_model.c NVMe controller registers, for functions of that class
 */
#ifndef VMM_H
#define VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vpci/platform.h"

/* Guest RAM starts at 0; the first MiB is RAM too, reported reserved
 * above 640 KiB so Linux keeps its hands off the legacy area. */
#define VMM_LOW_RAM_END 0x9fc00ull
#define VMM_HIGH_RAM_START 0x100000ull

/* The guest's init writes its exit status here (a 32-bit out) when it is
 * done: the VMM stops the vCPU and reports. */
#define VMM_EXIT_PORT 0x501u
/* The guest's init writes its report here with rep outsb: KVM hands
 * the VMM a page per exit, where the serial port costs an exit a byte
 * (which matters when KVM itself runs in an emulated CPU). */
#define VMM_REPORT_PORT 0x502u
/* Faster still, and what the init uses: KVM exits once per element of
 * a "rep outsb", so a 256 KiB report would cost 256 Ki exits. Instead
 * the init writes the report's length (32 bits) to VMM_REPORT_LEN_PORT,
 * then the guest-physical frame number of each of its pages in turn to
 * VMM_REPORT_FRAME_PORT, and the VMM copies them out of guest RAM. */
#define VMM_REPORT_LEN_PORT 0x504u
#define VMM_REPORT_FRAME_PORT 0x508u

struct kvm_vm {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *ram;
	uint64_t ram_bytes;
	unsigned int nr_slots; /* KVM_CAP_NR_MEMSLOTS */
	/* Port writes KVM queued instead of exiting (kvm_vm_coalesce_port),
	 * or NULL when it cannot. */
	struct kvm_coalesced_mmio_ring *coalesced;
};

/* Open /dev/kvm and make a VM with ram_bytes of RAM at 0 (slot 0), the
 * in-kernel interrupt controllers and PIT, and one vCPU with the CPUID
 * KVM supports. Returns 0, or -1 with msg filled. */
int kvm_vm_create(struct kvm_vm *vm, uint64_t ram_bytes, char *msg,
		  size_t msg_len);
void kvm_vm_destroy(struct kvm_vm *vm);
/* Let the guest's writes to port (size bytes) queue in a ring instead of
 * exiting, where KVM can (KVM_CAP_COALESCED_PIO); kvm_vm_drain() hands
 * them over, in order, and must run before every exit is handled.
 * Returns 0, or -1 when the writes keep exiting. */
int kvm_vm_coalesce_port(struct kvm_vm *vm, unsigned int port,
			 unsigned int size);
/* Each queued port write, oldest first, to out(arg, port, size, value). */
void kvm_vm_drain(struct kvm_vm *vm,
		  void (*out)(void *arg, unsigned int port, unsigned int size,
			      uint32_t val),
		  void *arg);
/* Raise or lower an ISA interrupt line of the in-kernel PIC/IOAPIC. */
void kvm_vm_irq_line(struct kvm_vm *vm, unsigned int irq, bool level);
/* Whether the host CPU (and so the guest's CPUID) is AMD's. */
bool kvm_vm_cpu_is_amd(const struct kvm_vm *vm);

/* Load a bzImage, initramfs and command line into vm's RAM and point the
 * vCPU at the kernel's 32-bit entry (Linux boot protocol, 2.06+); with
 * vmlinux_path, the kernel is that ELF instead, entered in long mode
 * (the bzImage still gives the setup header).
 * Returns 0, or -1 with msg filled (naming the file). */
int linux_boot_setup(struct kvm_vm *vm, const char *bzimage_path,
		     const char *vmlinux_path, const uint8_t *initrd,
		     size_t initrd_len, const char *cmdline, char *msg,
		     size_t msg_len);

/* A newc initramfs with /dev/console, /proc, /sys and the file at
 * init_path as /init. Returns a malloc'd buffer (*len bytes) or NULL with
 * msg filled. */
uint8_t *initramfs_build(const char *init_path, size_t *len, char *msg,
			 size_t msg_len);

/*
 * BAR frames as KVM memory slots. The core's map calls arrive here
 * (through the replay platform's listener) from the moment the session
 * exists; before the VM does they are only recorded, and
 * bar_slots_attach() creates them. Every range is backed by anonymous
 * memory of its own: there is no device behind a replayed BAR.
 */
struct bar_slot {
	uint64_t gpa, bytes;
	uint8_t *hva;
	int slot; /* KVM slot number, -1 before attach */
};

struct bar_slots {
	struct kvm_vm *vm; /* NULL until attached */
	struct bar_slot *slots;
	size_t nr, cap;
	bool *slot_used; /* by KVM slot number; 0 is RAM */
	FILE *events;	 /* "map"/"unmap" lines, or NULL */
	unsigned long nr_errors;
};

void bar_slots_init(struct bar_slots *bs, FILE *events);
int bar_slots_attach(struct bar_slots *bs, struct kvm_vm *vm);
void bar_slots_map(struct bar_slots *bs, uint64_t gfn, uint64_t nr_frames);
void bar_slots_unmap(struct bar_slots *bs, uint64_t gfn, uint64_t nr_frames);
/* Frames mapped now, and one "mapped GPA BYTES" line per range. */
uint64_t bar_slots_frames(const struct bar_slots *bs);
void bar_slots_print(const struct bar_slots *bs, FILE *out);
void bar_slots_free(struct bar_slots *bs);

/* A 16550 UART at 0x3f8 (IRQ 4) that transmits to out and never
 * receives: enough for Linux's 8250 driver and console. */
struct serial {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool thr_empty_irq; /* "transmitter empty" pending */
	FILE *out;
};

#define SERIAL_BASE 0x3f8u
#define SERIAL_IRQ 4u

void serial_init(struct serial *uart, FILE *out);
/* Port access at base + off (0-7); returns whether the IRQ line is now
 * raised. */
uint8_t serial_in(struct serial *uart, unsigned int off);
void serial_out(struct serial *uart, unsigned int off, uint8_t val);
bool serial_irq(const struct serial *uart);

/*
 * NVMe controllers' registers and admin doorbells (nvme_model.c): the
 * first NVME_MODEL_BYTES of BAR 0 of each function of class 01:08:02,
 * kept out of the memory slots so the guest's accesses exit to the model.
 */
#define NVME_MAX_CTRLS 8
#define NVME_MODEL_BYTES 0x2000ull

struct nvme_ctrl {
	vpci_sbdf_t sbdf; /* as the booted domain sees it */
	char name[16];
	uint64_t bar_gpa; /* BAR 0 while its memory is mapped, else 0 */
	uint32_t cc, aqa;
	uint64_t asq, acq;
	uint32_t sq_head, cq_tail;
	uint8_t cq_phase;
	bool vector_bound; /* MSI-X entry 0, as the core's hooks last said */
	uint64_t msi_address;
	uint32_t msi_data;
	unsigned long nr_accesses, nr_unsignalled;
};

struct nvme_models {
	struct nvme_ctrl ctrl[NVME_MAX_CTRLS];
	size_t nr;
	FILE *events; /* "nvme-cqe"/"nvme-irq" lines, or NULL */
};

void nvme_models_init(struct nvme_models *m, FILE *events);
void nvme_models_add(struct nvme_models *m, vpci_sbdf_t sbdf,
		     const char *name);
/* The controller whose BAR bar is that of function sbdf (BAR 0 only). */
struct nvme_ctrl *nvme_models_for_bar(struct nvme_models *m,
				      vpci_sbdf_t sbdf, unsigned int bar);
/* The controller whose model pages hold gpa, or NULL. */
struct nvme_ctrl *nvme_models_at(struct nvme_models *m, uint64_t gpa);
/* One guest access of len bytes at gpa (inside c's pages); a read's
 * value goes to *val. Doorbell writes may complete commands in guest RAM
 * and signal the bound vector through KVM. */
void nvme_model_access(struct nvme_models *m, struct nvme_ctrl *c,
		       struct kvm_vm *vm, uint64_t gpa, unsigned int len,
		       bool write, uint64_t *val);
/* The core bound (or unbound) MSI-X entry vector of c's function. */
void nvme_model_vector(struct nvme_ctrl *c, unsigned int vector, bool bound,
		       const struct vpci_msi_msg *msg);

/* ------------------------------------------------- the command line */

struct session_options;

struct vmm_args {
	const char *kernel, *vmlinux, *init, *capture, *append, *events;
	const char *report;
	uint64_t mem_mib;
	unsigned int timeout_s;
	bool no_amd_ext;
	double progress_s;
};

/* Fill a and opt's --guest/--hide from argv (options.c). -1 after
 * printing why (or the usage) to stderr; --help prints it and exits. */
int vmm_parse_args(int argc, char **argv, struct vmm_args *a,
		   struct session_options *opt);

#endif /* VMM_H */
