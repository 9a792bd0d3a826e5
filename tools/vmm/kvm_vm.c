/* SPDX-License-Identifier: MIT */
/*
 * The KVM side: one VM, its RAM at guest-physical 0, the in-kernel PIC,
 * IOAPIC and PIT (Linux needs a timer and the UART its IRQ), and one vCPU
 * whose CPUID is what KVM supports on this host (so an AMD host gives an
 * AMD guest, whose Linux then uses the CF8 extended-register bits).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm.h"

/* Where KVM may put the TSS and identity page table it needs on Intel
 * hosts: just below the 4 GiB boundary, away from RAM and BARs Linux
 * puts in the PCI hole's start. */
#define VMM_TSS_ADDR 0xfffbd000ull
#define VMM_IDENTITY_MAP_ADDR 0xfffbc000ull

static int fail(char *msg, size_t msg_len, const char *what)
{
	snprintf(msg, msg_len, "%s: %s", what, strerror(errno));
	return -1;
}

static int set_cpuid(struct kvm_vm *vm, char *msg, size_t msg_len)
{
	unsigned int nent = 256;
	struct kvm_cpuid2 *cpuid;
	int rc;

	cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
	if (!cpuid) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	cpuid->nent = nent;
	rc = ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid);
	if (rc == 0)
		rc = ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid);
	if (rc)
		fail(msg, msg_len, "KVM_GET_SUPPORTED_CPUID/KVM_SET_CPUID2");
	free(cpuid);
	return rc ? -1 : 0;
}

static int create_devices(struct kvm_vm *vm, char *msg, size_t msg_len)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	uint64_t identity = VMM_IDENTITY_MAP_ADDR;

	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)VMM_TSS_ADDR))
		return fail(msg, msg_len, "KVM_SET_TSS_ADDR");
	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity))
		return fail(msg, msg_len, "KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0))
		return fail(msg, msg_len, "KVM_CREATE_IRQCHIP");
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit))
		return fail(msg, msg_len, "KVM_CREATE_PIT2");
	return 0;
}

static int add_ram(struct kvm_vm *vm, uint64_t ram_bytes, char *msg,
		   size_t msg_len)
{
	struct kvm_userspace_memory_region region;
	void *ram = mmap(NULL, ram_bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (ram == MAP_FAILED)
		return fail(msg, msg_len, "guest RAM");
	vm->ram = ram;
	vm->ram_bytes = ram_bytes;
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = ram_bytes,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		return fail(msg, msg_len, "KVM_SET_USER_MEMORY_REGION (RAM)");
	return 0;
}

int kvm_vm_create(struct kvm_vm *vm, uint64_t ram_bytes, char *msg,
		  size_t msg_len)
{
	int nr_slots;

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = vm->vcpu_fd = -1;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return fail(msg, msg_len, "/dev/kvm");
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		snprintf(msg, msg_len, "/dev/kvm: unexpected API version");
		return -1;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return fail(msg, msg_len, "KVM_CREATE_VM");
	nr_slots = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	vm->nr_slots = nr_slots > 0 ? (unsigned int)nr_slots : 32;
	if (create_devices(vm, msg, msg_len) ||
	    add_ram(vm, ram_bytes, msg, msg_len))
		return -1;
	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return fail(msg, msg_len, "KVM_CREATE_VCPU");
	vm->run_size = (size_t)ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return fail(msg, msg_len, "mmap of the vCPU's kvm_run");
	}
	return set_cpuid(vm, msg, msg_len);
}

void kvm_vm_destroy(struct kvm_vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->ram)
		munmap(vm->ram, vm->ram_bytes);
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = -1;
}

int kvm_vm_coalesce_port(struct kvm_vm *vm, unsigned int port,
			 unsigned int size)
{
	struct kvm_coalesced_mmio_zone zone = {
		.addr = port,
		.size = size,
		.pio = 1,
	};
	int page_offset =
		ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO);
	long page = sysconf(_SC_PAGESIZE);

	if (page_offset <= 0 || page <= 0 ||
	    (size_t)(page_offset + 1) * (size_t)page > vm->run_size ||
	    ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_PIO) <= 0 ||
	    ioctl(vm->vm_fd, KVM_REGISTER_COALESCED_MMIO, &zone))
		return -1;
	vm->coalesced = (struct kvm_coalesced_mmio_ring *)((uint8_t *)vm->run +
							   page_offset * page);
	return 0;
}

void kvm_vm_drain(struct kvm_vm *vm,
		  void (*out)(void *arg, unsigned int port, unsigned int size,
			      uint32_t val),
		  void *arg)
{
	struct kvm_coalesced_mmio_ring *ring = vm->coalesced;
	uint32_t max = (uint32_t)((sysconf(_SC_PAGESIZE) - sizeof(*ring)) /
				  sizeof(ring->coalesced_mmio[0]));

	while (ring && ring->first != ring->last && ring->first < max) {
		struct kvm_coalesced_mmio *e = &ring->coalesced_mmio[ring->first];
		uint32_t val = 0;

		if (e->len <= sizeof(val))
			memcpy(&val, e->data, e->len);
		out(arg, (unsigned int)e->phys_addr, e->len, val);
		/* KVM reuses the slot once first moves past it. */
		__atomic_store_n(&ring->first, (ring->first + 1) % max,
				 __ATOMIC_RELEASE);
	}
}

void kvm_vm_irq_line(struct kvm_vm *vm, unsigned int irq, bool level)
{
	struct kvm_irq_level line = { .irq = irq, .level = level };

	ioctl(vm->vm_fd, KVM_IRQ_LINE, &line);
}

bool kvm_vm_cpu_is_amd(const struct kvm_vm *vm)
{
	unsigned int eax, ebx, ecx, edx;

	(void)vm;
	__asm__ volatile("cpuid"
			 : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
			 : "a"(0), "c"(0));
	/* "AuthenticAMD" (or Hygon's "HygonGenuine": the same bits) */
	return (ebx == 0x68747541u && edx == 0x69746e65u &&
		ecx == 0x444d4163u) ||
	       (ebx == 0x6f677948u && edx == 0x6e65476eu &&
		ecx == 0x656e6975u);
}
