/* SPDX-License-Identifier: MIT */
/*
 * /init of vpci-vmm's guest: once the kernel has enumerated PCI, report
 * what it found for every function, in lines the test parses, then tell
 * the VMM it is done (a 32-bit write of the status to port 0x501) and, if
 * that port is not there, reset (reboot=t makes that a triple fault the
 * VMM sees). Statically linked: the initramfs holds nothing else.
 *
 * The report goes to the VMM by the guest-physical frames of its pages
 * (ports 0x504/0x508, vmm.h), else byte by byte to port 0x502, and to the
 * console only when those ports cannot be used.
 * It ends with the kernel's log ("vpci-klog" lines):
 *
 *   vpci-fn SBDF CONFIG_BYTES
 *   vpci-cfg SBDF OFF HEX          64 bytes a line, from sysfs "config"
 *   vpci-res SBDF INDEX START END FLAGS   each non-empty "resource" line
 *   vpci-touched SBDF INDEX PAGE...        the pages of a BAR read (hex)
 *   vpci-touch SBDF INDEX PAGES RESULT     how many, and whether it worked
 *   vpci-time STEP SECONDS                 when each step ended
 *   vpci-done N
 *   vpci-klog LINE                  the kernel log, for its PCI messages
 *
 * Before printing it enables every function (sysfs "enable"), as a
 * driver's pci_enable_device() would, so memory decoding is on and the
 * VMM sees the core map the BARs the kernel assigned; then it reads one
 * dword of the edge pages of every memory BAR through "resourceN"
 * (touch_bar), so each access either lands in a mapped frame or exits to
 * the VMM.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#define SYS_PCI "/sys/bus/pci/devices"
#define EXIT_PORT 0x501
#define REPORT_PORT 0x502
#define REPORT_LEN_PORT 0x504
#define REPORT_FRAME_PORT 0x508
#define PAGE_BYTES 4096ul
#define MAX_TOUCH 160 /* pages read per BAR, at most */
#define MAX_FNS 512
#define IORESOURCE_MEM 0x200ul

/* "vpci-time WHAT SECONDS" since boot (the guest's clock), so a slow
 * run shows which step took the time. */
static void print_time(const char *what)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("vpci-time %s %ld.%03ld\n", what, (long)ts.tv_sec,
	       ts.tv_nsec / 1000000);
	fprintf(stderr, "vpci-init: %s\n", what);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_functions(char *names[MAX_FNS])
{
	DIR *d = opendir(SYS_PCI);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_FNS)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	return n;
}

static void write_attr(const char *fn, const char *attr, const char *val)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), SYS_PCI "/%s/%s", fn, attr);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, val, strlen(val)) < 0)
		printf("vpci-note %s %s: write failed\n", fn, attr);
	close(fd);
}

/* Function fn's config space as Linux shows it, into cfg; its length. */
static ssize_t read_config(const char *fn, unsigned char cfg[4096])
{
	char path[256];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), SYS_PCI "/%s/config", fn);
	fd = open(path, O_RDONLY);
	len = fd < 0 ? -1 : pread(fd, cfg, 4096, 0);
	if (fd >= 0)
		close(fd);
	return len;
}

static void print_config(const char *fn, const unsigned char *cfg,
			 ssize_t len)
{
	int off, i;

	printf("vpci-fn %s %zd\n", fn, len);
	for (off = 0; off + 64 <= len; off += 64) {
		printf("vpci-cfg %s %03x ", fn, off);
		for (i = 0; i < 64; i++)
			printf("%02x", cfg[off + i]);
		printf("\n");
	}
}

/* Pages (of BAR index) holding the MSI-X table and PBA, as cfg says;
 * returns how many went into pages[4]. */
static int msix_pages(const unsigned char *cfg, ssize_t len, int index,
		      unsigned long pages[4])
{
	unsigned int ptr, seen = 0, n = 0, entries, reg, val, i;

	if (len < 64 || !(cfg[6] & 0x10))
		return 0;
	for (ptr = cfg[0x34] & 0xfcu; ptr >= 0x40 && ptr < 0xfc && seen < 48;
	     ptr = cfg[ptr + 1] & 0xfcu, seen++) {
		if (cfg[ptr] != 0x11 || ptr + 12 > 0x100)
			continue;
		entries = ((cfg[ptr + 2] | cfg[ptr + 3] << 8) & 0x7ffu) + 1;
		for (i = 0; i < 2; i++) {
			unsigned long bytes = i ? (entries + 63) / 64 * 8
						: entries * 16ul, p;

			reg = ptr + 4 + 4 * i;
			val = cfg[reg] | cfg[reg + 1] << 8 |
			      cfg[reg + 2] << 16 | (unsigned int)cfg[reg + 3] << 24;
			if ((int)(val & 7) != index)
				continue;
			for (p = (val & ~7u) / PAGE_BYTES;
			     p <= ((val & ~7u) + bytes - 1) / PAGE_BYTES && n < 4;
			     p++)
				pages[n++] = p;
		}
	}
	return (int)n;
}

static int by_value(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* The pages of a BAR of nr_pages to read, in order, into pages[];
 * returns how many. See touch_bar. */
static int pages_to_read(unsigned long nr_pages, const unsigned long *msix,
			 int nr_msix, unsigned long pages[MAX_TOUCH])
{
	unsigned long k;
	int n = 0, i, kept = 0;

	pages[n++] = 0;
	pages[n++] = 1;
	pages[n++] = nr_pages - 2;
	pages[n++] = nr_pages - 1;
	for (k = 2; k < nr_pages && n + 2 <= MAX_TOUCH - 12; k <<= 1) {
		pages[n++] = k - 1;
		pages[n++] = k;
	}
	for (i = 0; i < nr_msix; i++) {
		pages[n++] = msix[i] - 1;
		pages[n++] = msix[i];
		pages[n++] = msix[i] + 1;
	}
	qsort(pages, (size_t)n, sizeof(pages[0]), by_value);
	/* Drop duplicates and what falls outside (nr_pages - 2 wraps for a
	 * one-page BAR, msix - 1 for page 0). */
	for (i = 0; i < n; i++)
		if (pages[i] < nr_pages && (!kept || pages[i] != pages[kept - 1]))
			pages[kept++] = pages[i];
	return kept;
}

/* Read one dword of a bounded set of pages of memory BAR index: the
 * first and last two, both sides of every power-of-two offset, and the
 * MSI-X table and PBA pages with their neighbours. A BAR's mapped frames
 * are its pages minus the MSI-X ones, so this set holds both edges of
 * every range the VMM maps and every trapped page; reading every page
 * of a big BAR instead costs a nested page fault each (minutes, on a
 * GPU's 8 GiB, when KVM itself runs in an emulated CPU), and so does
 * mapping it whole: each page is mapped on its own. Mapped frames
 * answer from the slot, MSI-X frames from the VMM's core, anything else
 * is an unclaimed access the VMM records. The pages read are listed. */
static void touch_bar(const char *fn, int index, unsigned long start,
		      unsigned long end, const unsigned char *cfg,
		      ssize_t cfg_len)
{
	unsigned long nr_pages = (end - start + PAGE_BYTES) / PAGE_BYTES;
	unsigned long msix[4], pages[MAX_TOUCH];
	int nr_msix = msix_pages(cfg, cfg_len, index, msix), n, i, bad = 0;
	char path[256];
	int fd;

	snprintf(path, sizeof(path), SYS_PCI "/%s/resource%d", fn, index);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("vpci-touch %s %d 0 open-failed\n", fn, index);
		return;
	}
	n = pages_to_read(nr_pages, msix, nr_msix, pages);
	printf("vpci-touched %s %d", fn, index);
	for (i = 0; i < n; i++) {
		void *map = mmap(NULL, PAGE_BYTES, PROT_READ, MAP_SHARED, fd,
				 (off_t)(pages[i] * PAGE_BYTES));

		if (map == MAP_FAILED) {
			bad = 1;
			continue;
		}
		(void)*(volatile unsigned int *)map;
		munmap(map, PAGE_BYTES);
		printf(" %lx", pages[i]);
	}
	close(fd);
	printf("\nvpci-touch %s %d %d %s\n", fn, index, n,
	       bad ? "mmap-failed" : "ok");
}

static void print_resources(const char *fn, const unsigned char *cfg,
			    ssize_t cfg_len)
{
	unsigned long start, end, flags;
	char path[256];
	FILE *f;
	int index = 0;

	snprintf(path, sizeof(path), SYS_PCI "/%s/resource", fn);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fscanf(f, "%lx %lx %lx", &start, &end, &flags) == 3) {
		if (flags || end)
			printf("vpci-res %s %d 0x%lx 0x%lx 0x%lx\n", fn, index,
			       start, end, flags);
		if (index < 6 && (flags & IORESOURCE_MEM) && end > start)
			touch_bar(fn, index, start, end, cfg, cfg_len);
		index++;
	}
	fclose(f);
}

static void print_klog(void)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *line, *save = NULL;
	int len;

	if (size <= 0 || !(buf = malloc((size_t)size + 1)))
		return;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	buf[len > 0 ? len : 0] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("vpci-klog %s\n", line);
	free(buf);
}

/* Tell the VMM where the report's pages are: one exit a page, where
 * "rep outsb" costs one a byte under KVM. The frame numbers come from
 * /proc/self/pagemap (root sees them); the pages are locked so they stay
 * put. Returns 0, or -1 to fall back to the byte port. */
static int send_report_by_frames(const char *report, size_t len)
{
	size_t bytes = (len + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1), i, n = 0;
	unsigned long long entry, *frames;
	char *buf;
	int fd;

	if (!len || len > 0xffffffffu || ioperm(REPORT_LEN_PORT, 8, 1))
		return -1;
	buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1,
		   0);
	frames = calloc(bytes / PAGE_BYTES, sizeof(*frames));
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (buf != MAP_FAILED && frames && fd >= 0) {
		memcpy(buf, report, len);
		/* Bit 63: present; bits 0-54: the frame (0 without
		 * CAP_SYS_ADMIN). */
		for (n = 0; n < bytes / PAGE_BYTES; n++) {
			off_t at = (off_t)((unsigned long)buf / PAGE_BYTES + n) * 8;

			if (pread(fd, &entry, 8, at) != 8 || !(entry >> 63) ||
			    !(entry & ((1ull << 55) - 1)))
				break;
			frames[n] = entry & ((1ull << 55) - 1);
		}
	}
	if (n == bytes / PAGE_BYTES) {
		outl((unsigned int)len, REPORT_LEN_PORT);
		for (i = 0; i < n; i++)
			outl((unsigned int)frames[i], REPORT_FRAME_PORT);
	}
	if (fd >= 0)
		close(fd);
	free(frames);
	if (buf != MAP_FAILED)
		munmap(buf, bytes);
	return n == bytes / PAGE_BYTES ? 0 : -1;
}

/* The whole report in one go. */
static void send_report(const char *buf, size_t len)
{
	size_t off, chunk;

	if (send_report_by_frames(buf, len) == 0)
		return;
	if (ioperm(REPORT_PORT, 1, 1)) {
		fwrite(buf, 1, len, stderr);
		return;
	}
	for (off = 0; off < len; off += chunk) {
		const char *p = buf + off;

		chunk = len - off > 4096 ? 4096 : len - off;
		__asm__ volatile("rep outsb"
				 : "+S"(p), "+c"(chunk)
				 : "d"(REPORT_PORT)
				 : "memory");
		chunk = (size_t)(p - (buf + off));
	}
}

int main(void)
{
	static char *fns[MAX_FNS];
	static unsigned char cfg[MAX_FNS][4096];
	static ssize_t cfg_len[MAX_FNS];
	char *report = NULL;
	size_t report_len = 0;
	int n, i;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	/* The report collects in memory (glibc lets stdout be replaced),
	 * to be sent in one go at the end. */
	stdout = open_memstream(&report, &report_len);
	if (!stdout)
		return 1;

	print_time("init");
	n = list_functions(fns);
	for (i = 0; i < n; i++)
		write_attr(fns[i], "enable", "1");
	print_time("enabled");
	printf("vpci-begin %d\n", n);
	for (i = 0; i < n; i++) {
		cfg_len[i] = read_config(fns[i], cfg[i]);
		print_config(fns[i], cfg[i], cfg_len[i]);
	}
	print_time("config-read");
	for (i = 0; i < n; i++)
		print_resources(fns[i], cfg[i], cfg_len[i]);
	print_time("bars-read");
	printf("vpci-done %d\n", n);
	print_klog();
	fclose(stdout);
	send_report(report, report_len);
	sync();
	if (ioperm(EXIT_PORT, 4, 1) == 0)
		outl(0, EXIT_PORT);
	reboot(RB_AUTOBOOT);
	return 0;
}
