/* SPDX-License-Identifier: MIT */
/*
 * `vpci-harness mount`: the export-sysfs tree served live over FUSE, so
 * real lspci and setpci (`-A linux-sysfs -O sysfs.path=MOUNTPOINT`) read
 * and write through vPCI. A read or write of devices/SSSS:BB:DD.F/config
 * at any offset and length is split into naturally aligned 1, 2 and
 * 4-byte config accesses by the session's domain. The identity files are
 * formatted from config space at each read. BAR sizes are probed once, at
 * mount time and untraced, as an OS sizes BARs when it enumerates; each
 * `resource` file shows them at the addresses the BARs hold now. The FUSE
 * loop is single-threaded and in the foreground.
 */
#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mount_fuse.h"
#include "export_sysfs.h"
#include "text.h"
#include "vpci/pci_regs.h"
#include "ioresource.h"

#define DEVICES	    "devices"
#define CONFIG	    "config"
#define RESOURCE    "resource"
#define ATTR_MAX    32

struct mount_fn {
	vpci_sbdf_t sbdf; /* the domain's */
	char name[TEXT_SBDF_STRLEN];
	unsigned int header_type;
	struct sysfs_resource res[SYSFS_NR_RESOURCES]; /* as probed */
};

struct mount_state {
	struct session *s;
	struct mount_fn *fns; /* by name, which is SBDF order */
	size_t nr_fns;
	time_t started;
	/* Progress on a terminal: what has been served so far. */
	const char *mountpoint;
	bool progress;
	unsigned long nr_reads, nr_writes;
	time_t shown;
};

enum node_kind { NODE_ROOT, NODE_DEVICES, NODE_FN, NODE_CONFIG, NODE_TEXT };

struct node {
	enum node_kind kind;
	struct mount_fn *fn;
	const char *file; /* NODE_TEXT: resource or an identity file */
};

/* ---------------------------------------------------------- libfuse log */

/* libfuse's messages: kept while mounting (the error line quotes the last
 * one), passed to stderr once mounted. */
static char fuse_last_msg[256];
static bool fuse_mounted;

static void fuse_log_to_us(enum fuse_log_level level, const char *fmt,
			   va_list ap)
{
	char line[sizeof(fuse_last_msg)];
	size_t len;

	vsnprintf(line, sizeof(line), fmt, ap);
	len = strlen(line);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (fuse_mounted) {
		if (level <= FUSE_LOG_WARNING)
			fprintf(stderr, "vpci-harness: fuse: %s\n", line);
		return;
	}
	if (level <= FUSE_LOG_ERR && len)
		memcpy(fuse_last_msg, line, len + 1);
}

/* ------------------------------------------------------------ the tree */

static struct mount_state *state(void)
{
	return fuse_get_context()->private_data;
}

static int fn_name_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct mount_fn *)elem)->name);
}

static bool is_text_file(const char *name)
{
	size_t i;

	if (!strcmp(name, RESOURCE))
		return true;
	for (i = 0; sysfs_attr_names[i]; i++)
		if (!strcmp(name, sysfs_attr_names[i]))
			return true;
	return false;
}

/* path → node; -ENOENT for anything not in the tree. */
static int resolve(const char *path, struct node *n)
{
	struct mount_state *st = state();
	char name[TEXT_SBDF_STRLEN];
	const char *rest, *slash;
	size_t len;

	memset(n, 0, sizeof(*n));
	if (!strcmp(path, "/")) {
		n->kind = NODE_ROOT;
		return 0;
	}
	if (strncmp(path, "/" DEVICES, sizeof(DEVICES)) != 0)
		return -ENOENT;
	rest = path + sizeof(DEVICES);
	if (!*rest) {
		n->kind = NODE_DEVICES;
		return 0;
	}
	if (*rest++ != '/')
		return -ENOENT;
	slash = strchr(rest, '/');
	len = slash ? (size_t)(slash - rest) : strlen(rest);
	if (len != TEXT_SBDF_STRLEN - 1)
		return -ENOENT;
	memcpy(name, rest, len);
	name[len] = '\0';
	n->fn = bsearch(name, st->fns, st->nr_fns, sizeof(*st->fns),
			fn_name_cmp);
	if (!n->fn)
		return -ENOENT;
	if (!slash || !slash[1]) {
		n->kind = NODE_FN;
		return 0;
	}
	n->file = slash + 1;
	if (!strcmp(n->file, CONFIG)) {
		n->kind = NODE_CONFIG;
		return 0;
	}
	if (!is_text_file(n->file))
		return -ENOENT;
	n->kind = NODE_TEXT;
	return 0;
}

/* The probed resources at the addresses the BARs hold now. */
static void live_resources(struct session *s, const struct mount_fn *fn,
			   struct sysfs_resource res[SYSFS_NR_RESOURCES])
{
	unsigned int i, reg;
	uint64_t size, addr, mask;
	uint32_t lo;

	memcpy(res, fn->res, sizeof(fn->res));
	for (i = 0; i < SYSFS_NR_RESOURCES; i++) {
		if (!res[i].end)
			continue;
		size = res[i].end - res[i].start + 1;
		if (i == SYSFS_NR_RESOURCES - 1) {
			reg = SYSFS_ROM_REG(fn->header_type);
			mask = VPCI_ROM_ADDR_MASK;
		} else {
			reg = VPCI_REG_BAR0 + 4 * i;
			mask = res[i].flags & IORESOURCE_IO ? VPCI_BAR_IO_ADDR_MASK
						      : VPCI_BAR_MEM_ADDR_MASK;
		}
		lo = session_dom_read(s, fn->sbdf, reg, 4);
		addr = lo & mask;
		if (res[i].flags & IORESOURCE_MEM_64)
			addr |= (uint64_t)session_dom_read(s, fn->sbdf, reg + 4,
							   4)
				<< 32;
		if (i == SYSFS_NR_RESOURCES - 1) /* ROM enable, bit 0 */
			res[i].flags = (res[i].flags & ~1ull) | (lo & 1u);
		res[i].start = addr;
		res[i].end = addr + size - 1;
	}
}

/* The current text of a resource or identity file; returns its length. */
static size_t text_of(const struct node *n, char *buf, size_t len)
{
	struct session *s = state()->s;
	struct sysfs_resource res[SYSFS_NR_RESOURCES];
	uint8_t cfg[SESSION_CONFIG_BYTES];
	int n_text;

	if (!strcmp(n->file, RESOURCE)) {
		live_resources(s, n->fn, res);
		return sysfs_resource_text(res, buf, len);
	}
	session_dom_config(s, n->fn->sbdf, cfg);
	n_text = sysfs_attr_text(cfg, n->file, buf, len);
	return n_text < 0 ? 0 : (size_t)n_text;
}

/* ------------------------------------------------------------ progress */

/* "mount: serving DIR: N config reads, M writes", rewritten in place at
 * most once a second, only when stderr is a terminal that trace lines on
 * stdout do not share. */
static void show_progress(struct mount_state *ms, bool force)
{
	time_t now;

	if (!ms->progress)
		return;
	now = time(NULL);
	if (!force && now == ms->shown)
		return;
	ms->shown = now;
	fprintf(stderr,
		"\rmount: serving %s: %lu config reads, %lu writes "
		"(fusermount3 -u to stop)",
		ms->mountpoint, ms->nr_reads, ms->nr_writes);
	fflush(stderr);
}

static void end_progress(struct mount_state *ms)
{
	if (!ms->progress)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

/* ---------------------------------------------------------- config I/O */

/* The widest naturally aligned access at pos that fits in left bytes. */
static unsigned int access_size(off_t pos, size_t left)
{
	if (!(pos & 3) && left >= 4)
		return 4;
	if (!(pos & 1) && left >= 2)
		return 2;
	return 1;
}

static int config_read(struct mount_fn *fn, char *buf, size_t size, off_t off)
{
	struct session *s = state()->s;
	off_t pos, end;
	unsigned int n, i;
	uint32_t val;

	if (off < 0)
		return -EINVAL;
	if (off >= (off_t)SESSION_CONFIG_BYTES)
		return 0; /* end of file */
	if (size > SESSION_CONFIG_BYTES - (size_t)off)
		size = SESSION_CONFIG_BYTES - (size_t)off;
	end = off + (off_t)size;
	state()->nr_reads++;
	show_progress(state(), false);
	for (pos = off; pos < end; pos += n) {
		n = access_size(pos, (size_t)(end - pos));
		val = session_dom_read(s, fn->sbdf, (unsigned int)pos, n);
		for (i = 0; i < n; i++)
			buf[pos - off + i] = (char)(val >> (8 * i));
	}
	return (int)size;
}

/* Like Linux's sysfs config file: what fits is written, a write that
 * starts at or past the end is an error. */
static int config_write(struct mount_fn *fn, const char *buf, size_t size,
			off_t off)
{
	struct session *s = state()->s;
	off_t pos, end;
	unsigned int n, i;
	uint32_t val;

	if (off < 0)
		return -EINVAL;
	if (off >= (off_t)SESSION_CONFIG_BYTES)
		return size ? -EFBIG : 0;
	if (size > SESSION_CONFIG_BYTES - (size_t)off)
		size = SESSION_CONFIG_BYTES - (size_t)off;
	end = off + (off_t)size;
	state()->nr_writes++;
	show_progress(state(), false);
	for (pos = off; pos < end; pos += n) {
		n = access_size(pos, (size_t)(end - pos));
		for (val = 0, i = 0; i < n; i++)
			val |= (uint32_t)(uint8_t)buf[pos - off + i] << (8 * i);
		session_dom_write(s, fn->sbdf, (unsigned int)pos, n, val);
	}
	return (int)size;
}

/* ------------------------------------------------------ FUSE operations */

static void *op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	/* Contents and sizes change with every config write. */
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->direct_io = 1;
	cfg->kernel_cache = 0;
	return fuse_get_context()->private_data;
}

static int op_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	struct mount_state *ms = state();
	char text[SYSFS_RESOURCE_TEXT_MAX];
	struct node n;
	int rc = resolve(path, &n);

	(void)fi;
	if (rc)
		return rc;
	memset(st, 0, sizeof(*st));
	st->st_uid = getuid();
	st->st_gid = getgid();
	st->st_atime = st->st_mtime = st->st_ctime = ms->started;
	switch (n.kind) {
	case NODE_ROOT:
	case NODE_DEVICES:
	case NODE_FN:
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		break;
	case NODE_CONFIG:
		st->st_mode = S_IFREG | 0644;
		st->st_nlink = 1;
		st->st_size = SESSION_CONFIG_BYTES;
		break;
	case NODE_TEXT:
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = (off_t)text_of(&n, text, sizeof(text));
		break;
	}
	return 0;
}

static int op_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	struct mount_state *ms = state();
	struct node n;
	size_t i;
	int rc = resolve(path, &n);

	(void)off;
	(void)fi;
	(void)flags;
	if (rc)
		return rc;
	if (n.kind != NODE_ROOT && n.kind != NODE_DEVICES && n.kind != NODE_FN)
		return -ENOTDIR;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	if (n.kind == NODE_ROOT) {
		fill(buf, DEVICES, NULL, 0, 0);
	} else if (n.kind == NODE_DEVICES) {
		for (i = 0; i < ms->nr_fns; i++)
			fill(buf, ms->fns[i].name, NULL, 0, 0);
	} else {
		fill(buf, CONFIG, NULL, 0, 0);
		fill(buf, RESOURCE, NULL, 0, 0);
		for (i = 0; sysfs_attr_names[i]; i++)
			fill(buf, sysfs_attr_names[i], NULL, 0, 0);
	}
	return 0;
}

static int op_open(const char *path, struct fuse_file_info *fi)
{
	struct node n;
	int rc = resolve(path, &n);

	if (rc)
		return rc;
	if (n.kind != NODE_CONFIG && n.kind != NODE_TEXT)
		return -EISDIR;
	if (n.kind == NODE_TEXT && (fi->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	fi->direct_io = 1; /* every read is a fresh look at the device */
	return 0;
}

static int op_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	char text[SYSFS_RESOURCE_TEXT_MAX];
	struct node n;
	size_t len;
	int rc = resolve(path, &n);

	(void)fi;
	if (rc)
		return rc;
	if (n.kind == NODE_CONFIG)
		return config_read(n.fn, buf, size, off);
	if (n.kind != NODE_TEXT)
		return -EISDIR;
	if (off < 0)
		return -EINVAL;
	len = text_of(&n, text, sizeof(text));
	if ((size_t)off >= len)
		return 0;
	if (size > len - (size_t)off)
		size = len - (size_t)off;
	memcpy(buf, text + off, size);
	return (int)size;
}

static int op_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct node n;
	int rc = resolve(path, &n);

	(void)fi;
	if (rc)
		return rc;
	if (n.kind != NODE_CONFIG)
		return n.kind == NODE_TEXT ? -EACCES : -EISDIR;
	return config_write(n.fn, buf, size, off);
}

static const struct fuse_operations mount_ops = {
	.init = op_init,
	.getattr = op_getattr,
	.readdir = op_readdir,
	.open = op_open,
	.read = op_read,
	.write = op_write,
};

/* ------------------------------------------------------------ mounting */

/* One entry per function the domain sees, its BARs sized now. */
static int build_state(struct mount_state *ms, struct session *s)
{
	FILE *trace;
	size_t i;

	memset(ms, 0, sizeof(*ms));
	ms->s = s;
	ms->started = time(NULL);
	ms->fns = calloc(s->nr_view_by_dom ? s->nr_view_by_dom : 1,
			 sizeof(*ms->fns));
	if (!ms->fns)
		return -1;
	/* The probe is the harness enumerating, not the domain acting. */
	trace = session_set_trace(s, NULL);
	for (i = 0; i < s->nr_view_by_dom; i++) {
		struct mount_fn *fn = &ms->fns[i];

		fn->sbdf = s->view_by_dom[i].dom_sbdf;
		text_sbdf_str(fn->sbdf, fn->name);
		fn->header_type =
			session_dom_read(s, fn->sbdf, VPCI_REG_HEADER_TYPE, 1) &
			VPCI_HEADER_TYPE_MASK;
		sysfs_probe_resources(s, fn->sbdf, fn->res);
	}
	session_set_trace(s, trace);
	ms->nr_fns = s->nr_view_by_dom;
	return 0;
}

static int check_access(const char *mountpoint, char *msg, size_t msg_len)
{
	struct stat st;
	int fd;

	if (stat(mountpoint, &st)) {
		snprintf(msg, msg_len, "%s: %s", mountpoint, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(msg, msg_len, "%s: not a directory", mountpoint);
		return -1;
	}
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, msg_len, "/dev/fuse: %s", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* fuse_new → fuse_mount → signal handlers → loop, and back down. */
static int serve(struct mount_state *ms, const char *mountpoint, char *msg,
		 size_t msg_len)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_session *se;
	struct fuse *f = NULL;
	int rc = -1, loop_rc;

	if (fuse_opt_add_arg(&args, "vpci-harness") ||
	    fuse_opt_add_arg(&args, "-o") ||
	    fuse_opt_add_arg(&args,
			     "fsname=vpci-harness,subtype=vpci-harness")) {
		snprintf(msg, msg_len, "%s: out of memory", mountpoint);
		goto out;
	}
	f = fuse_new(&args, &mount_ops, sizeof(mount_ops), ms);
	if (!f) {
		snprintf(msg, msg_len, "%s: cannot start FUSE: %s", mountpoint,
			 *fuse_last_msg ? fuse_last_msg : "fuse_new failed");
		goto out;
	}
	if (fuse_mount(f, mountpoint)) {
		snprintf(msg, msg_len, "%s: cannot mount: %s", mountpoint,
			 *fuse_last_msg ? fuse_last_msg
					: "refused (fusermount3 may say why)");
		fuse_destroy(f);
		f = NULL;
		goto out;
	}
	se = fuse_get_session(f);
	if (fuse_set_signal_handlers(se)) {
		snprintf(msg, msg_len, "%s: cannot set signal handlers",
			 mountpoint);
	} else {
		fuse_mounted = true;
		show_progress(ms, true);
		/* 0 when unmounted, the signal's number after one. */
		loop_rc = fuse_loop(f);
		fuse_mounted = false;
		end_progress(ms);
		fuse_remove_signal_handlers(se);
		if (loop_rc < 0)
			snprintf(msg, msg_len, "%s: FUSE loop failed: %s",
				 mountpoint, strerror(-loop_rc));
		else
			rc = 0;
	}
	fuse_unmount(f);
	fuse_destroy(f);
out:
	fuse_opt_free_args(&args);
	return rc;
}

int mount_fuse(struct session *s, const char *mountpoint, char *msg,
	       size_t msg_len)
{
	struct mount_state ms;
	FILE *trace;
	int rc;

	if (check_access(mountpoint, msg, msg_len))
		return -1;
	if (build_state(&ms, s)) {
		snprintf(msg, msg_len, "%s: out of memory", mountpoint);
		return -1;
	}
	ms.mountpoint = mountpoint;
	trace = session_trace_out(s);
	ms.progress = isatty(STDERR_FILENO) && (!trace || !isatty(fileno(trace)));
	fuse_last_msg[0] = '\0';
	fuse_set_log_func(fuse_log_to_us);
	rc = serve(&ms, mountpoint, msg, msg_len);
	fuse_set_log_func(NULL);
	free(ms.fns);
	return rc;
}
