/* SPDX-License-Identifier: MIT */
/*
 * Loading Linux the way a boot loader does (Documentation/arch/x86/
 * boot.rst): the bzImage's setup header copied into a zero page, the
 * memory map (e820), command line and initramfs described there, the
 * protected-mode kernel at 1 MiB, and the vCPU started at its 32-bit
 * entry in flat protected mode with %esi pointing at the zero page.
 * Or, given the uncompressed vmlinux too, that kernel at its physical
 * addresses, entered in long mode (the 64-bit boot protocol).
 */
#include <elf.h>
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm.h"

/* Guest-physical places below 1 MiB, as other loaders use them. */
#define ZERO_PAGE_GPA 0x7000u
#define CMDLINE_GPA 0x20000u
#define CMDLINE_MAX 4096u
#define KERNEL_GPA 0x100000u
#define PAGE_TABLES_GPA 0x9000u /* 6 pages: PML4, PDPT, 4 PDs */

/* Offsets into the zero page (struct boot_params) and setup header. */
#define BP_E820_ENTRIES 0x1e8u
#define BP_SETUP_SECTS 0x1f1u
#define BP_HDR_JUMP 0x200u
#define BP_HDR_MAGIC 0x202u
#define BP_HDR_VERSION 0x206u
#define BP_TYPE_OF_LOADER 0x210u
#define BP_LOADFLAGS 0x211u
#define BP_RAMDISK_IMAGE 0x218u
#define BP_RAMDISK_SIZE 0x21cu
#define BP_HEAP_END_PTR 0x224u
#define BP_CMD_LINE_PTR 0x228u
#define BP_INITRD_ADDR_MAX 0x22cu
#define BP_E820_TABLE 0x2d0u
#define LOADFLAGS_CAN_USE_HEAP 0x80u
#define E820_RAM 1u
#define E820_RESERVED 2u

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint8_t *read_file(const char *path, size_t *len, char *msg,
			  size_t msg_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;

	if (!f) {
		snprintf(msg, msg_len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size)) &&
	    fread(buf, 1, (size_t)size, f) == (size_t)size) {
		*len = (size_t)size;
	} else {
		snprintf(msg, msg_len, "%s: cannot read", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void add_e820(uint8_t *zp, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t *e = zp + BP_E820_TABLE + 20u * zp[BP_E820_ENTRIES];

	memcpy(e, &addr, 8);
	memcpy(e + 8, &size, 8);
	put32(e + 16, type);
	zp[BP_E820_ENTRIES]++;
}

/*
 * The uncompressed kernel (an ELF vmlinux), loaded at its physical
 * addresses and entered at its 64-bit entry. For KVMs that shadow the
 * guest's page tables (no nested paging), where the bzImage decompressor's
 * on-demand identity mapping crawls: the kernel proper then boots at a
 * normal pace. Returns the entry point, or 0 with msg filled.
 */
static uint64_t load_vmlinux(struct kvm_vm *vm, const char *path, char *msg,
			     size_t msg_len)
{
	size_t len = 0, i;
	uint8_t *elf = read_file(path, &len, msg, msg_len);
	Elf64_Ehdr eh;
	uint64_t entry = 0;

	if (!elf)
		return 0;
	if (len < sizeof(eh))
		goto bad;
	memcpy(&eh, elf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phoff > len || eh.e_phnum > (len - eh.e_phoff) / sizeof(Elf64_Phdr))
		goto bad;
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, elf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset ||
		    ph.p_paddr < KERNEL_GPA || ph.p_memsz > vm->ram_bytes / 2 ||
		    ph.p_paddr > vm->ram_bytes / 2 - ph.p_memsz)
			goto bad;
		memcpy(vm->ram + ph.p_paddr, elf + ph.p_offset, ph.p_filesz);
		memset(vm->ram + ph.p_paddr + ph.p_filesz, 0,
		       ph.p_memsz - ph.p_filesz);
	}
	entry = eh.e_entry;
	free(elf);
	return entry;
bad:
	snprintf(msg, msg_len, "%s: not an x86-64 vmlinux that fits in RAM",
		 path);
	free(elf);
	return 0;
}

/* Long mode with the low 4 GiB identity-mapped in 2 MiB pages, and
 * the boot protocol's flat 64-bit code and data segments. */
static void long_mode(struct kvm_vm *vm, struct kvm_sregs *sregs)
{
	uint64_t *pml4 = (uint64_t *)(vm->ram + PAGE_TABLES_GPA);
	uint64_t *pdpt = pml4 + 512, *pd = pml4 + 1024;
	unsigned int i;

	memset(pml4, 0, 6 * 4096);
	pml4[0] = (PAGE_TABLES_GPA + 0x1000) | 3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (PAGE_TABLES_GPA + 0x2000 + i * 0x1000ull) | 3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83; /* present, rw, 2 MiB */
	sregs->cr3 = PAGE_TABLES_GPA;
	sregs->cr4 |= 0x20;		  /* PAE */
	sregs->efer |= 0x500;		  /* LME, LMA */
	sregs->cr0 |= 0x80000001u;	  /* PG, PE */
	sregs->cs.l = 1;
	sregs->cs.db = 0;
}

static int start_vcpu(struct kvm_vm *vm, uint64_t entry, bool entry64,
		      char *msg, size_t msg_len)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffffu, .selector = 0x10,
		.type = 0xb, .present = 1, .dpl = 0, .db = 1, .s = 1, .g = 1,
	};
	struct kvm_segment data = code;
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rip = entry, .rsi = ZERO_PAGE_GPA, .rflags = 0x2,
	};

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs)) {
		snprintf(msg, msg_len, "KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	data.type = 0x3;
	data.selector = 0x18;
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
	sregs.cr0 |= 1; /* protected mode, paging off */
	if (entry64)
		long_mode(vm, &sregs);
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) ||
	    ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs)) {
		snprintf(msg, msg_len, "KVM_SET_SREGS/REGS: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

int linux_boot_setup(struct kvm_vm *vm, const char *bzimage_path,
		     const char *vmlinux_path, const uint8_t *initrd,
		     size_t initrd_len, const char *cmdline, char *msg,
		     size_t msg_len)
{
	uint64_t entry = KERNEL_GPA;
	uint8_t *zp = vm->ram + ZERO_PAGE_GPA;
	size_t len = 0, setup_bytes, hdr_end;
	uint64_t initrd_gpa, top;
	uint8_t *img;

	img = read_file(bzimage_path, &len, msg, msg_len);
	if (!img)
		return -1;
	if (len < 0x1000 || get32(img + BP_HDR_MAGIC) != 0x53726448u ||
	    (img[BP_HDR_VERSION] | img[BP_HDR_VERSION + 1] << 8) < 0x206) {
		snprintf(msg, msg_len,
			 "%s: not a bzImage of boot protocol 2.06 or later",
			 bzimage_path);
		free(img);
		return -1;
	}
	setup_bytes = ((img[BP_SETUP_SECTS] ? img[BP_SETUP_SECTS] : 4u) + 1u) *
		      512u;
	hdr_end = BP_HDR_JUMP + 2u + img[BP_HDR_JUMP + 1];
	if (setup_bytes >= len || hdr_end > setup_bytes ||
	    KERNEL_GPA + (len - setup_bytes) > vm->ram_bytes / 2) {
		snprintf(msg, msg_len, "%s: setup or kernel size implausible",
			 bzimage_path);
		free(img);
		return -1;
	}
	memset(zp, 0, 4096);
	memcpy(zp + BP_SETUP_SECTS, img + BP_SETUP_SECTS,
	       hdr_end - BP_SETUP_SECTS);
	memcpy(vm->ram + KERNEL_GPA, img + setup_bytes, len - setup_bytes);
	free(img);
	if (vmlinux_path &&
	    !(entry = load_vmlinux(vm, vmlinux_path, msg, msg_len)))
		return -1;

	zp[BP_TYPE_OF_LOADER] = 0xff;
	zp[BP_LOADFLAGS] |= LOADFLAGS_CAN_USE_HEAP;
	zp[BP_HEAP_END_PTR] = 0x00;
	zp[BP_HEAP_END_PTR + 1] = 0xfe;
	snprintf((char *)vm->ram + CMDLINE_GPA, CMDLINE_MAX, "%s", cmdline);
	put32(zp + BP_CMD_LINE_PTR, CMDLINE_GPA);

	/* The initramfs at the top of RAM, below what the kernel accepts. */
	top = vm->ram_bytes;
	if (top > (uint64_t)get32(zp + BP_INITRD_ADDR_MAX) + 1)
		top = (uint64_t)get32(zp + BP_INITRD_ADDR_MAX) + 1;
	initrd_gpa = (top - initrd_len) & ~0xfffull;
	if (initrd_len > vm->ram_bytes / 4) {
		snprintf(msg, msg_len, "initramfs too large for guest RAM");
		return -1;
	}
	memcpy(vm->ram + initrd_gpa, initrd, initrd_len);
	put32(zp + BP_RAMDISK_IMAGE, (uint32_t)initrd_gpa);
	put32(zp + BP_RAMDISK_SIZE, (uint32_t)initrd_len);

	add_e820(zp, 0, VMM_LOW_RAM_END, E820_RAM);
	add_e820(zp, VMM_LOW_RAM_END, VMM_HIGH_RAM_START - VMM_LOW_RAM_END,
		 E820_RESERVED);
	add_e820(zp, VMM_HIGH_RAM_START, vm->ram_bytes - VMM_HIGH_RAM_START,
		 E820_RAM);
	return start_vcpu(vm, entry, vmlinux_path != NULL, msg, msg_len);
}
