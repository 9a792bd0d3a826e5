/* SPDX-License-Identifier: MIT */
/*
 * The guest's initramfs, written here rather than by cpio(1): an
 * uncompressed "newc" archive (Documentation/driver-api/early-userspace/
 * buffer-format.rst) with the console device node the kernel opens for
 * init, mount points for /proc and /sys, and init itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vmm.h"

struct archive {
	uint8_t *buf;
	size_t len, cap;
	unsigned int next_ino;
};

static int grow(struct archive *a, size_t more)
{
	uint8_t *p;
	size_t cap = a->cap ? a->cap : 4096;

	while (cap < a->len + more)
		cap *= 2;
	if (cap == a->cap)
		return 0;
	p = realloc(a->buf, cap);
	if (!p)
		return -1;
	a->buf = p;
	a->cap = cap;
	return 0;
}

/* Append data and pad the archive to 4 bytes: the header and name
 * together are padded, then the data. */
static int append(struct archive *a, const void *data, size_t len)
{
	size_t pad = (4 - ((a->len + len) & 3)) & 3;

	if (grow(a, len + pad))
		return -1;
	memcpy(a->buf + a->len, data, len);
	memset(a->buf + a->len + len, 0, pad);
	a->len += len + pad;
	return 0;
}

/* One entry: the 110-byte header, the name (NUL included), the data,
 * each padded to 4 bytes. */
static int add_entry(struct archive *a, const char *name, unsigned int mode,
		     unsigned int rdev_major, unsigned int rdev_minor,
		     const void *data, size_t len)
{
	char hdr[160];
	size_t name_len = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 a->next_ino++, mode, 0u, 0u, 1u, 0u, (unsigned int)len, 0u, 0u,
		 rdev_major, rdev_minor, (unsigned int)name_len, 0u);
	if (grow(a, 110 + name_len + 4))
		return -1;
	memcpy(a->buf + a->len, hdr, 110);
	a->len += 110;
	if (append(a, name, name_len))
		return -1;
	return len ? append(a, data, len) : 0;
}

uint8_t *initramfs_build(const char *init_path, size_t *len, char *msg,
			 size_t msg_len)
{
	struct archive a = { .next_ino = 1 };
	uint8_t *init = NULL;
	size_t init_len = 0;
	FILE *f = fopen(init_path, "rb");
	long size;

	if (!f) {
		snprintf(msg, msg_len, "%s: %s", init_path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) || !(init = malloc((size_t)size)) ||
	    fread(init, 1, (size_t)size, f) != (size_t)size) {
		snprintf(msg, msg_len, "%s: cannot read", init_path);
		fclose(f);
		free(init);
		return NULL;
	}
	fclose(f);
	init_len = (size_t)size;
	if (add_entry(&a, "dev", S_IFDIR | 0755, 0, 0, NULL, 0) ||
	    add_entry(&a, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0) ||
	    add_entry(&a, "proc", S_IFDIR | 0755, 0, 0, NULL, 0) ||
	    add_entry(&a, "sys", S_IFDIR | 0755, 0, 0, NULL, 0) ||
	    add_entry(&a, "init", S_IFREG | 0755, 0, 0, init, init_len) ||
	    add_entry(&a, "TRAILER!!!", 0, 0, 0, NULL, 0)) {
		snprintf(msg, msg_len, "out of memory building the initramfs");
		free(init);
		free(a.buf);
		return NULL;
	}
	free(init);
	*len = a.len;
	return a.buf;
}
