/* SPDX-License-Identifier: MIT */
/*
 * /init of vpci-vmm's guest: once the kernel has enumerated PCI, report
 * what it found for every function, in lines the test parses, then tell
 * the VMM it is done (a 32-bit write of the status to port 0x501) and, if
 * that port is not there, reset (reboot=t makes that a triple fault the
 * VMM sees). Statically linked: the initramfs holds nothing else.
 *
 * The report goes to the VMM's report port (0x502) with rep outsb, a
 * page per exit, and to the console only when that port cannot be used.
 * It ends with the kernel's log ("vpci-klog" lines):
 *
 *   vpci-fn SBDF CONFIG_BYTES
 *   vpci-cfg SBDF OFF HEX          64 bytes a line, from sysfs "config"
 *   vpci-res SBDF INDEX START END FLAGS   each non-empty "resource" line
 *   vpci-touch SBDF INDEX PAGES RESULT     reads of each page of a BAR
 *   vpci-done N
 *   vpci-klog LINE                  the kernel log, for its PCI messages
 *
 * Before printing it enables every function (sysfs "enable"), as a
 * driver's pci_enable_device() would, so memory decoding is on and the
 * VMM sees the core map the BARs the kernel assigned; then it reads one
 * dword of every page of every memory BAR through "resourceN", so each
 * access either lands in a mapped frame or exits to the VMM.
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
#include <unistd.h>

#define SYS_PCI "/sys/bus/pci/devices"
#define EXIT_PORT 0x501
#define REPORT_PORT 0x502
#define MAX_FNS 512
#define IORESOURCE_MEM 0x200ul

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

static void print_config(const char *fn)
{
	unsigned char cfg[4096];
	char path[256];
	ssize_t len;
	int fd, off, i;

	snprintf(path, sizeof(path), SYS_PCI "/%s/config", fn);
	fd = open(path, O_RDONLY);
	len = fd < 0 ? -1 : pread(fd, cfg, sizeof(cfg), 0);
	if (fd >= 0)
		close(fd);
	printf("vpci-fn %s %zd\n", fn, len);
	for (off = 0; off + 64 <= len; off += 64) {
		printf("vpci-cfg %s %03x ", fn, off);
		for (i = 0; i < 64; i++)
			printf("%02x", cfg[off + i]);
		printf("\n");
	}
}

/* Read one dword of each page of memory BAR index: mapped frames answer
 * from the slot, MSI-X frames from the VMM's core, anything else is an
 * unclaimed access the VMM records. */
static void touch_bar(const char *fn, int index, unsigned long start,
		      unsigned long end)
{
	unsigned long bytes = end - start + 1, off, pages = 0;
	volatile unsigned int *p;
	char path[256];
	void *map;
	int fd;

	snprintf(path, sizeof(path), SYS_PCI "/%s/resource%d", fn, index);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("vpci-touch %s %d 0 open-failed\n", fn, index);
		return;
	}
	if (bytes > (64ul << 20))
		bytes = 64ul << 20; /* enough to cross every slot boundary */
	map = mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		printf("vpci-touch %s %d 0 mmap-failed\n", fn, index);
		return;
	}
	for (off = 0; off < bytes; off += 4096, pages++) {
		p = (volatile unsigned int *)((char *)map + off);
		(void)*p;
	}
	munmap(map, bytes);
	printf("vpci-touch %s %d %lu ok\n", fn, index, pages);
}

static void print_resources(const char *fn)
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
			touch_bar(fn, index, start, end);
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

/* The whole report in one go, a page per exit. */
static void send_report(const char *buf, size_t len)
{
	size_t off, chunk;

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
	fprintf(stderr, "vpci-init: reported %zu bytes\n", len);
}

int main(void)
{
	static char *fns[MAX_FNS];
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

	n = list_functions(fns);
	for (i = 0; i < n; i++)
		write_attr(fns[i], "enable", "1");
	printf("vpci-begin %d\n", n);
	for (i = 0; i < n; i++) {
		print_config(fns[i]);
		print_resources(fns[i]);
	}
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
