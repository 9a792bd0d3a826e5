/* SPDX-License-Identifier: MIT */
/*
 * /init of the outer VM on hosts without /dev/kvm (docs/vmm.md, "without
 * KVM"): QEMU emulates an AMD CPU with SVM, this init loads KVM into the
 * outer kernel and runs vpci-vmm there once per run, so the inner Linux
 * still boots under real KVM (one outer boot serves every run). After
 * each run it prints the files the run left in /out between marker lines;
 * at the end it reports to QEMU's isa-debug-exit port (0x501) how many
 * runs failed.
 *
 *   /modules/NN-NAME.ko  loaded in name order (irqbypass, kvm, kvm-amd)
 *   /runs/NAME           one run: vpci-vmm's arguments, one a line
 *
 * Output: "vpci-outer-start NAME" and "vpci-outer-run NAME STATUS" per
 * run on the console; per file
 * of /out "vpci-outer-file NAME" ... "vpci-outer-end NAME" to QEMU's
 * debug console (isa-debugcon at port 0x402, which QEMU writes to a
 * host file), or to the console when that port cannot be used. The
 * files are large (a big capture's events are a MiB): the emulated UART
 * takes seconds for that, debugcon a string instruction.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_PORT 0x501
#define FILES_PORT 0x402
#define MAX_ARGS 64

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_dot(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int load_modules(void)
{
	struct dirent **names;
	char path[512];
	int n, i, bad = 0;

	n = scandir("/modules", &names, not_dot, by_name);
	for (i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "/modules/%s", names[i]->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
			printf("vpci-outer: cannot load %s\n", path);
			bad = 1;
		}
		if (fd >= 0)
			close(fd);
	}
	return n > 0 ? bad : 1;
}

/* argv from the file at path, one argument a line, in buf. */
static int read_args(const char *path, char *buf, size_t size,
		     char *argv[MAX_ARGS])
{
	FILE *f = fopen(path, "r");
	size_t len;
	int argc = 0;
	char *line, *save = NULL;

	if (!f)
		return 0;
	len = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[len] = 0;
	argv[argc++] = "/vpci-vmm";
	for (line = strtok_r(buf, "\n", &save); line && argc < MAX_ARGS - 1;
	     line = strtok_r(NULL, "\n", &save))
		argv[argc++] = line;
	argv[argc] = NULL;
	return argc;
}

static int run_vmm(const char *name)
{
	static char buf[8192];
	char path[512], *argv[MAX_ARGS];
	int status = 255;
	pid_t pid;

	snprintf(path, sizeof(path), "/runs/%s", name);
	if (!read_args(path, buf, sizeof(buf), argv))
		return 255;
	printf("vpci-outer-start %s\n", name);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid)
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	printf("vpci-outer-run %s %d\n", name, status);
	return status;
}

/* len bytes to the files port, or to the console without it. */
static void put_bytes(const char *buf, size_t len, int have_port)
{
	if (!have_port) {
		fwrite(buf, 1, len, stdout);
		return;
	}
	__asm__ volatile("rep outsb"
			 : "+S"(buf), "+c"(len)
			 : "d"(FILES_PORT)
			 : "memory");
}

static void print_file(const char *name, int have_port)
{
	char buf[65536], path[512];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/out/%s", name);
	f = fopen(path, "r");
	if (!f)
		return;
	n = (size_t)snprintf(buf, sizeof(buf), "vpci-outer-file %s\n", name);
	put_bytes(buf, n, have_port);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		put_bytes(buf, n, have_port);
	fclose(f);
	n = (size_t)snprintf(buf, sizeof(buf), "\nvpci-outer-end %s\n", name);
	put_bytes(buf, n, have_port);
	unlink(path);
}

/* What the last run wrote, printed at once: a later run may not finish
 * before QEMU's time is up. */
static void print_out(void)
{
	struct dirent **names;
	int n, i, have_port = ioperm(FILES_PORT, 1, 1) == 0;

	fflush(stdout);
	n = scandir("/out", &names, not_dot, by_name);
	for (i = 0; i < n; i++)
		print_file(names[i]->d_name, have_port);
	fflush(stdout);
}

int main(void)
{
	struct dirent **names;
	int n, i, failed = 0;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mkdir("/out", 0755);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The outer kernel's lines would cut through the runs' output. */
	klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 1);
	if (load_modules() || access("/dev/kvm", R_OK | W_OK)) {
		printf("vpci-outer: no KVM in the outer VM\n");
		failed = 77;
	} else {
		n = scandir("/runs", &names, not_dot, by_name);
		for (i = 0; i < n; i++) {
			failed += run_vmm(names[i]->d_name) != 0;
			print_out();
		}
	}
	printf("vpci-outer-done %d\n", failed);
	fflush(stdout);
	sync();
	if (ioperm(EXIT_PORT, 4, 1) == 0)
		outl((unsigned int)failed, EXIT_PORT);
	reboot(RB_POWER_OFF);
	return 0;
}
