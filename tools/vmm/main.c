/* SPDX-License-Identifier: MIT */
/*
 * vpci-vmm: boot a Linux bzImage in a KVM VM whose PCI bus is libvpci,
 * over the harness's replay of a capture (docs/vmm.md).
 *
 * Config space: port I/O to 0xCF8-0xCFF goes to the core's CF8 front end
 * (with AMD's extended-register bits on AMD hosts, where Linux uses
 * them). BARs: what the core maps becomes KVM memory slots (bar_slots.c);
 * every other access in the PCI hole exits here and goes to the core's
 * MSI-X entry points, or, when the core does not claim it, is recorded
 * as "mmio-unclaimed". The events file gets those records, the map,
 * unmap and interrupt calls, and at the end libvpci's own view of every
 * function's config space, so tests can hold the guest's view against it.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

#include "guest_list.h"
#include "session.h"
#include "vmm.h"

#define CMOS_DATA_PORT 0x71u

/* The guest is there to enumerate PCI, and every instruction is dear
 * when KVM itself runs in an emulated CPU: no crypto self-tests (the
 * RSA ones are most of a quiet boot's time there), no speculation
 * mitigations (SRSO's return thunks tax every function return), no
 * zeroing of every page allocated, no port 0x80 delays (an exit each). */
#define DEFAULT_CMDLINE                                                        \
	"console=ttyS0 reboot=t panic=-1 no_timer_check io_delay=none "       \
	"i8042.noaux i8042.nokbd cryptomgr.notests mitigations=off "          \
	"init_on_alloc=0"

struct vmm {
	struct session s;
	struct session_options opt;
	struct kvm_vm vm;
	struct bar_slots bars;
	struct serial uart;
	struct nvme_models nvme;
	FILE *events;
	FILE *report; /* what the guest's init writes to VMM_REPORT_PORT */
	uint32_t report_left; /* bytes still to come by frame */
	uint32_t target_domid;
	unsigned long nr_msix_accesses, nr_unclaimed, nr_msi_updates;
	unsigned long nr_nvme_accesses, nr_queued_writes;
	unsigned long nr_exits, nr_mmio_exits;
	/* Exits by port: what a boot costs where every exit is dear. */
	uint32_t io_exits[65536];
	bool exited;
	uint32_t exit_status;
};

static volatile sig_atomic_t timed_out, progress_due;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static void on_progress(int sig)
{
	(void)sig;
	progress_due = 1;
}

static void str_sbdf(vpci_sbdf_t sbdf, char out[16])
{
	snprintf(out, 16, "%04x:%02x:%02x.%u", VPCI_SBDF_SEG(sbdf),
		 VPCI_SBDF_BUS(sbdf), VPCI_SBDF_DEV(sbdf), VPCI_SBDF_FN(sbdf));
}

/* ------------------------------------------ the replay platform's calls */

/* Map [gpa, gpa + bytes) as slots, less the NVMe model's pages of c
 * (which trap instead): "trap" lines say which. */
static void map_around_model(struct vmm *v, struct nvme_ctrl *c,
			     uint64_t gpa, uint64_t bytes)
{
	uint64_t end = gpa + bytes, lo, hi;

	/* The core maps a BAR's pieces (around MSI-X pages) upward, so the
	 * first piece after an unmap starts at the BAR, where the registers
	 * are (NVMe puts no MSI-X structure there). */
	if (!c->bar_gpa || gpa < c->bar_gpa)
		c->bar_gpa = gpa;
	lo = c->bar_gpa > gpa ? c->bar_gpa : gpa;
	hi = c->bar_gpa + NVME_MODEL_BYTES < end ? c->bar_gpa + NVME_MODEL_BYTES
						  : end;
	if (lo >= hi) {
		bar_slots_map(&v->bars, gpa / 4096, bytes / 4096);
		return;
	}
	if (v->events)
		fprintf(v->events, "trap %s 0x%" PRIx64 " 0x%" PRIx64 "\n",
			c->name, lo, hi - lo);
	if (lo > gpa)
		bar_slots_map(&v->bars, gpa / 4096, (lo - gpa) / 4096);
	if (end > hi)
		bar_slots_map(&v->bars, hi / 4096, (end - hi) / 4096);
}

static void on_map(void *arg, bool map, uint32_t domid, uint64_t gfn,
		   uint64_t mfn, uint64_t nr_frames,
		   const struct vpci_map_desc *desc)
{
	struct vmm *v = arg;
	struct nvme_ctrl *c;
	size_t i;

	(void)mfn;
	/* The hardware domain keeps mapping what a guest was not given; only
	 * the booted domain's frames are this VM's. */
	if (domid != v->target_domid)
		return;
	c = desc ? nvme_models_for_bar(&v->nvme, desc->owner_sbdf, desc->bar)
		 : NULL;
	if (map && c) {
		map_around_model(v, c, gfn * 4096, nr_frames * 4096);
	} else if (map) {
		bar_slots_map(&v->bars, gfn, nr_frames);
	} else {
		bar_slots_unmap(&v->bars, gfn, nr_frames);
		/* BAR 0 no longer decodes there: no more model pages. */
		for (i = 0; i < v->nvme.nr; i++) {
			c = &v->nvme.ctrl[i];
			if (c->bar_gpa >= gfn * 4096 &&
			    c->bar_gpa < (gfn + nr_frames) * 4096)
				c->bar_gpa = 0;
		}
	}
}

/* The model of the function whose physical SBDF is host_sbdf (the
 * interrupt hooks name the device, not the domain's view of it). */
static struct nvme_ctrl *nvme_of_host(struct vmm *v, vpci_sbdf_t host_sbdf)
{
	size_t i;

	for (i = 0; i < v->s.nr_view_by_dom; i++)
		if (v->s.view_by_dom[i].host_sbdf == host_sbdf &&
		    !v->s.view_by_dom[i].emulated && !v->s.view_by_dom[i].stub)
			return nvme_models_for_bar(
				&v->nvme, v->s.view_by_dom[i].dom_sbdf, 0);
	return NULL;
}

static void on_msi_update(void *arg, uint32_t domid, vpci_sbdf_t sbdf,
			  unsigned int vector, const struct vpci_msi_msg *msg)
{
	struct vmm *v = arg;
	char name[16];

	if (domid != v->target_domid)
		return;
	v->nr_msi_updates++;
	str_sbdf(sbdf, name);
	if (nvme_of_host(v, sbdf))
		nvme_model_vector(nvme_of_host(v, sbdf), vector, true, msg);
	if (v->events)
		fprintf(v->events, "msi %s %u 0x%" PRIx64 " 0x%" PRIx32 "\n",
			name, vector, msg->address, msg->data);
}

static void on_msi_disable(void *arg, uint32_t domid, vpci_sbdf_t sbdf,
			   unsigned int vector)
{
	struct vmm *v = arg;
	char name[16];

	if (domid != v->target_domid)
		return;
	str_sbdf(sbdf, name);
	if (nvme_of_host(v, sbdf))
		nvme_model_vector(nvme_of_host(v, sbdf), vector, false, NULL);
	if (v->events)
		fprintf(v->events, "msi-off %s %u\n", name, vector);
}

static const struct replay_listener vmm_listener = {
	.map = on_map,
	.msi_update = on_msi_update,
	.msi_disable = on_msi_disable,
};

/* ------------------------------------------------------------ exits */

static uint32_t port_in(struct vmm *v, unsigned int port, unsigned int size)
{
	if (port >= SERIAL_BASE && port < SERIAL_BASE + 8)
		return serial_in(&v->uart, port - SERIAL_BASE);
	if (port >= VPCI_CF8_PORT && port < VPCI_CF8_PORT + 8)
		return session_port_in(&v->s, port, size);
	/* The RTC's CMOS reads 0, so "update in progress" is never set:
	 * Linux probes it whatever the firmware says, and all-ones there
	 * costs tens of seconds of waiting for the update to end. */
	if (port == CMOS_DATA_PORT)
		return 0;
	return 0xffffffffu; /* nothing there */
}

/* The next page of the report, at guest frame gfn (VMM_REPORT_LEN_PORT
 * says how much is left); a frame outside RAM ends the report. */
static void report_frame(struct vmm *v, uint64_t gfn)
{
	uint32_t bytes = v->report_left < 4096 ? v->report_left : 4096;

	if (gfn >= v->vm.ram_bytes / 4096) {
		v->report_left = 0;
		return;
	}
	if (v->report)
		fwrite(v->vm.ram + gfn * 4096, 1, bytes, v->report);
	v->report_left -= bytes;
}

static void port_out(struct vmm *v, unsigned int port, unsigned int size,
		     uint32_t val)
{
	if (port >= SERIAL_BASE && port < SERIAL_BASE + 8) {
		serial_out(&v->uart, port - SERIAL_BASE, (uint8_t)val);
	} else if (port >= VPCI_CF8_PORT && port < VPCI_CF8_PORT + 8) {
		session_port_out(&v->s, port, size, val);
	} else if (port == VMM_REPORT_PORT && size == 1) {
		if (v->report)
			fputc((int)(val & 0xff), v->report);
	} else if (port == VMM_REPORT_LEN_PORT && size == 4) {
		v->report_left = val;
	} else if (port == VMM_REPORT_FRAME_PORT && size == 4) {
		report_frame(v, val);
	} else if (port == VMM_EXIT_PORT && size == 4) {
		v->exited = true;
		v->exit_status = val;
	}
}

/* A port write KVM queued instead of exiting (only 0xCF8 is). */
static void queued_out(void *arg, unsigned int port, unsigned int size,
		       uint32_t val)
{
	struct vmm *v = arg;

	v->nr_queued_writes++;
	port_out(v, port, size, val);
}

static void handle_io(struct vmm *v, struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	unsigned int size = run->io.size, i;

	v->io_exits[run->io.port]++;
	for (i = 0; i < run->io.count; i++, data += size) {
		uint32_t val = 0;

		if (run->io.direction == KVM_EXIT_IO_OUT) {
			memcpy(&val, data, size);
			port_out(v, run->io.port, size, val);
		} else {
			val = port_in(v, run->io.port, size);
			memcpy(data, &val, size);
		}
	}
	if (run->io.port >= SERIAL_BASE && run->io.port < SERIAL_BASE + 8)
		kvm_vm_irq_line(&v->vm, SERIAL_IRQ, serial_irq(&v->uart));
}

static void handle_mmio(struct vmm *v, struct kvm_run *run)
{
	uint64_t gpa = run->mmio.phys_addr, val = 0;
	unsigned int len = run->mmio.len;
	bool write = run->mmio.is_write;
	struct nvme_ctrl *c = nvme_models_at(&v->nvme, gpa);
	int rc;

	v->nr_mmio_exits++;
	if (c) {
		if (write)
			memcpy(&val, run->mmio.data, len);
		nvme_model_access(&v->nvme, c, &v->vm, gpa, len, write, &val);
		if (!write)
			memcpy(run->mmio.data, &val, len);
		v->nr_nvme_accesses++;
		if (v->events)
			fprintf(v->events, "mmio-nvme %c 0x%" PRIx64 " %u\n",
				write ? 'w' : 'r', gpa, len);
		return;
	}

	if (write) {
		memcpy(&val, run->mmio.data, len);
		rc = session_mmio_write(&v->s, gpa, len, val);
	} else {
		rc = session_mmio_read(&v->s, gpa, len, &val);
		memcpy(run->mmio.data, &val, len);
	}
	if (rc == 0) {
		v->nr_msix_accesses++;
	} else {
		v->nr_unclaimed++;
		if (!write)
			memset(run->mmio.data, 0xff, len);
	}
	if (v->events)
		fprintf(v->events, "%s %c 0x%" PRIx64 " %u\n",
			rc == 0 ? "mmio-msix" : "mmio-unclaimed",
			write ? 'w' : 'r', gpa, len);
}

/* Run until the guest's init reports, the guest resets (reboot=t) or
 * the time runs out. Returns 0 for a finished run. */
static int run_vcpu(struct vmm *v)
{
	struct kvm_run *run = v->vm.run;

	while (!v->exited) {
		if (ioctl(v->vm.vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR && progress_due) {
				struct kvm_regs regs = { 0 };

				progress_due = 0;
				ioctl(v->vm.vcpu_fd, KVM_GET_REGS, &regs);
				fprintf(stderr, "vpci-vmm: rip 0x%llx, %lu exits\n",
					(unsigned long long)regs.rip,
					v->nr_exits);
			}
			if (errno == EINTR && !timed_out)
				continue;
			struct kvm_regs regs = { 0 };

			ioctl(v->vm.vcpu_fd, KVM_GET_REGS, &regs);
			fprintf(stderr, "vpci-vmm: %s (rip 0x%llx rcx 0x%llx rsi 0x%llx rdi 0x%llx)\n",
				timed_out ? "timed out" : strerror(errno),
				(unsigned long long)regs.rip, (unsigned long long)regs.rcx, (unsigned long long)regs.rsi, (unsigned long long)regs.rdi);
			return -1;
		}
		v->nr_exits++;
		/* Queued CF8 writes come before whatever this exit is. */
		kvm_vm_drain(&v->vm, queued_out, v);
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(v, run);
			break;
		case KVM_EXIT_MMIO:
			handle_mmio(v, run);
			break;
		case KVM_EXIT_SHUTDOWN:
			fprintf(stderr, "vpci-vmm: the guest reset\n");
			return v->exited ? 0 : -1;
		case KVM_EXIT_HLT:
			fprintf(stderr, "vpci-vmm: the guest halted\n");
			return -1;
		default:
			fprintf(stderr,
				"vpci-vmm: unexpected exit %u (hardware "
				"reason 0x%llx)\n",
				run->exit_reason,
				(unsigned long long)
					run->fail_entry.hardware_entry_failure_reason);
			return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ reports */

/* libvpci's view of every function the domain sees, as the guest's init
 * prints sysfs: "state SBDF OFF HEX", 64 bytes a line. */
static void print_state(struct vmm *v)
{
	static uint8_t cfg[SESSION_CONFIG_BYTES];
	char name[16];
	size_t i;
	unsigned int off, j;

	for (i = 0; i < v->s.nr_view_by_dom; i++) {
		vpci_sbdf_t sbdf = v->s.view_by_dom[i].dom_sbdf;

		session_dom_config(&v->s, sbdf, cfg);
		str_sbdf(sbdf, name);
		for (off = 0; off < SESSION_CONFIG_BYTES; off += 64) {
			fprintf(v->events, "state %s %03x ", name, off);
			for (j = 0; j < 64; j++)
				fprintf(v->events, "%02x", cfg[off + j]);
			fputc('\n', v->events);
		}
	}
}

/* "exits PORT N" per port the guest used, then "exits mmio N" and
 * "exits total N". */
static void print_exits(const struct vmm *v)
{
	unsigned int port;

	for (port = 0; port < 65536; port++)
		if (v->io_exits[port])
			fprintf(v->events, "exits 0x%04x %" PRIu32 "\n", port,
				v->io_exits[port]);
	fprintf(v->events, "exits mmio %lu\nexits total %lu\nqueued-writes %lu\n",
		v->nr_mmio_exits, v->nr_exits, v->nr_queued_writes);
}

/* Functions of class 01:08:02 (NVMe) get the controller model. A
 * hardware domain's BARs are mapped as the session opens, before the
 * model exists: their model pages are cut out of the slots here. */
static void find_nvme(struct vmm *v)
{
	static uint8_t cfg[SESSION_CONFIG_BYTES];
	char name[16];
	size_t i;

	nvme_models_init(&v->nvme, v->events);
	for (i = 0; i < v->s.nr_view_by_dom; i++) {
		vpci_sbdf_t sbdf = v->s.view_by_dom[i].dom_sbdf;
		struct nvme_ctrl *c;
		uint64_t bar;

		session_dom_config(&v->s, sbdf, cfg);
		if (cfg[0x0b] != 0x01 || cfg[0x0a] != 0x08 || cfg[0x09] != 0x02 ||
		    (cfg[0x0e] & 0x7f) != 0)
			continue;
		str_sbdf(sbdf, name);
		nvme_models_add(&v->nvme, sbdf, name);
		c = nvme_models_for_bar(&v->nvme, sbdf, 0);
		if (!c || !(cfg[0x04] & 0x02) || (cfg[0x10] & 0x01))
			continue;
		bar = (uint64_t)(cfg[0x10] | cfg[0x11] << 8 | cfg[0x12] << 16 |
				 (uint32_t)cfg[0x13] << 24) & ~0xfull;
		if ((cfg[0x10] & 0x06) == 0x04)
			bar |= (uint64_t)(cfg[0x14] | cfg[0x15] << 8 |
					  cfg[0x16] << 16 |
					  (uint32_t)cfg[0x17] << 24) << 32;
		if (!bar)
			continue;
		c->bar_gpa = bar;
		bar_slots_unmap(&v->bars, bar / 4096, NVME_MODEL_BYTES / 4096);
		if (v->events)
			fprintf(v->events, "trap %s 0x%" PRIx64 " 0x%llx\n",
				name, bar, NVME_MODEL_BYTES);
	}
}

static void print_view(struct vmm *v)
{
	char dom[16], host[16];
	size_t i;

	for (i = 0; i < v->s.nr_view_by_dom; i++) {
		const struct session_fn *fn = &v->s.view_by_dom[i];

		str_sbdf(fn->dom_sbdf, dom);
		str_sbdf(fn->host_sbdf, host);
		fprintf(v->events, "fn %s %s\n", dom,
			fn->emulated ? "emulated" : fn->stub ? "stub" : host);
	}
}

/* The hardware domain's functions may sit on buses no bridge leads to
 * (a Xeon's uncore on bus 0xff): without ACPI, Linux finds those root
 * buses only when told how far to look. */
static unsigned int last_bus(const struct vmm *v)
{
	unsigned int bus = 0;
	size_t i;

	for (i = 0; i < v->s.nr_view_by_dom; i++)
		if (VPCI_SBDF_BUS(v->s.view_by_dom[i].dom_sbdf) > bus)
			bus = VPCI_SBDF_BUS(v->s.view_by_dom[i].dom_sbdf);
	return bus;
}

static void build_cmdline(struct vmm *v, const struct vmm_args *a, char *out,
			  size_t size)
{
	int tsc_khz = ioctl(v->vm.vcpu_fd, KVM_GET_TSC_KHZ, 0);
	size_t len;

	len = (size_t)snprintf(out, size, DEFAULT_CMDLINE " pci=conf1");
	if (last_bus(v) && len < size)
		len += (size_t)snprintf(out + len, size - len, ",lastbus=%u",
					last_bus(v));
	/* The guest has no kvmclock to say how fast its TSC runs: without
	 * this it counts PIT ticks to find out. */
	if (tsc_khz > 0 && len < size)
		len += (size_t)snprintf(out + len, size - len,
					" tsc_early_khz=%d", tsc_khz);
	if (len < size)
		snprintf(out + len, size - len, " %s", a->append);
}

static int boot(struct vmm *v, const struct vmm_args *a)
{
	char msg[512], cmdline[2048];
	uint8_t *initrd;
	size_t initrd_len = 0;
	int rc;

	if (kvm_vm_create(&v->vm, a->mem_mib << 20, msg, sizeof(msg))) {
		fprintf(stderr, "vpci-vmm: %s\n", msg);
		return 2;
	}
	/* BAR frames beyond what the guest can address (its CPU's physical
	 * address bits) cannot be slots: said above, slot by slot. */
	if (bar_slots_attach(&v->bars, &v->vm))
		return 2;
	/* A config access is an address write to 0xCF8 and a data access at
	 * 0xCFC: the address need not exit, only the data (which drains the
	 * queue first). Half the exits of enumerating, where each costs a
	 * world switch an emulated CPU performs. */
	kvm_vm_coalesce_port(&v->vm, VPCI_CF8_PORT, 4);
	if (kvm_vm_cpu_is_amd(&v->vm) && !a->no_amd_ext)
		vpci_cf8_set_amd_ext(v->s.target, true);
	initrd = initramfs_build(a->init, &initrd_len, msg, sizeof(msg));
	if (!initrd) {
		fprintf(stderr, "vpci-vmm: %s\n", msg);
		return 2;
	}
	build_cmdline(v, a, cmdline, sizeof(cmdline));
	rc = linux_boot_setup(&v->vm, a->kernel, a->vmlinux, initrd,
			      initrd_len, cmdline, msg, sizeof(msg));
	free(initrd);
	if (rc) {
		fprintf(stderr, "vpci-vmm: %s\n", msg);
		return 2;
	}
	/* No SA_RESTART: the alarm must end a KVM_RUN with EINTR. */
	struct sigaction sa = { .sa_handler = on_alarm };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(a->timeout_s);
	if (a->progress_s > 0) {
		struct sigaction pa = { .sa_handler = on_progress };
		struct timeval tv = {
			.tv_sec = (time_t)a->progress_s,
			.tv_usec = (suseconds_t)((a->progress_s -
						  (double)(time_t)a->progress_s) *
						 1e6),
		};
		struct itimerval every = { .it_interval = tv, .it_value = tv };

		sigemptyset(&pa.sa_mask);
		/* CPU time of this process, KVM_RUN's included: the alarm
		 * already has the real-time timer. */
		sigaction(SIGPROF, &pa, NULL);
		setitimer(ITIMER_PROF, &every, NULL);
	}
	fprintf(stderr, "vpci-vmm: booting\n");
	return run_vcpu(v) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct vmm v;
	struct vmm_args a;
	char msg[512];
	int rc;

	if (vmm_parse_args(argc, argv, &a, &v.opt))
		return 2;
	if (a.events && !(v.events = fopen(a.events, "w"))) {
		fprintf(stderr, "vpci-vmm: %s: %s\n", a.events, strerror(errno));
		return 2;
	}
	if (a.report && !(v.report = fopen(a.report, "w"))) {
		fprintf(stderr, "vpci-vmm: %s: %s\n", a.report, strerror(errno));
		return 2;
	}
	v.target_domid = v.opt.guest.nr ? SESSION_GUEST_ID : SESSION_HWDOM_ID;
	v.opt.listener = &vmm_listener;
	v.opt.listener_arg = &v;
	bar_slots_init(&v.bars, v.events);
	serial_init(&v.uart, stdout);
	if (session_open(&v.s, a.capture, &v.opt, msg, sizeof(msg))) {
		fprintf(stderr, "vpci-vmm: %s\n", msg);
		return 2;
	}
	if (v.events)
		print_view(&v);
	find_nvme(&v);
	rc = boot(&v, &a);
	fflush(stdout);
	if (v.events && rc != 2) {
		print_state(&v);
		print_exits(&v);
		bar_slots_print(&v.bars, v.events);
	}
	/* Teardown: destroying the host unmaps whatever is still mapped. */
	session_close(&v.s);
	fprintf(stderr,
		"vpci-vmm: guest %s (status %" PRIu32 "); msi-x accesses %lu, "
		"unclaimed mmio %lu, nvme model accesses %lu, msi bindings %lu, "
		"slot errors %lu, "
		"frames mapped after teardown %" PRIu64 "; %lu exits\n",
		v.exited ? "finished" : "did not finish", v.exit_status,
		v.nr_msix_accesses, v.nr_unclaimed, v.nr_nvme_accesses,
		v.nr_msi_updates,
		v.bars.nr_errors, bar_slots_frames(&v.bars), v.nr_exits);
	if (v.events) {
		fprintf(v.events, "teardown-frames %" PRIu64 "\n",
			bar_slots_frames(&v.bars));
		fprintf(v.events, "exit %s %" PRIu32 "\n",
			v.exited ? "finished" : "unfinished", v.exit_status);
		fclose(v.events);
	}
	if (v.report)
		fclose(v.report);
	sbdf_list_free(&v.opt.guest);
	sbdf_list_free(&v.opt.hide);
	bar_slots_free(&v.bars);
	kvm_vm_destroy(&v.vm);
	if (rc == 0 && (!v.exited || v.exit_status || v.bars.nr_errors))
		rc = 1;
	return rc;
}
