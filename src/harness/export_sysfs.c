/* SPDX-License-Identifier: MIT */
/*
 * `vpci-harness export-sysfs`: the session's view as a directory shaped
 * like /sys/bus/pci, so `lspci -A linux-sysfs -O sysfs.path=OUTDIR` shows
 * what the domain would see. Config bytes are read through vPCI; BAR
 * sizes come from the sizing probe the domain's OS would run (decode off,
 * write all-ones, read back, restore), so they are what vPCI lets it
 * discover, not what the capture says.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "export_sysfs.h"
#include "progress.h"
#include "text.h"
#include "ioresource.h"
#include "vpci/pci_regs.h"

/* Memory and I/O decoding: what a BAR probe turns off meanwhile. */
#define CMD_DECODE (VPCI_CMD_IO | VPCI_CMD_MEMORY)

const char *const sysfs_attr_names[] = {
	"vendor",	    "device",		"class", "revision", "irq",
	"subsystem_vendor", "subsystem_device", NULL,
};

/* --------------------------------------------------------- BAR probe */

static uint64_t lowest_bit(uint64_t v)
{
	return v & (~v + 1);
}

static uint32_t probe_dword(struct session *s, vpci_sbdf_t sbdf,
			    unsigned int reg, uint32_t ones, uint32_t *orig)
{
	uint32_t sized;

	*orig = session_dom_read(s, sbdf, reg, 4);
	session_dom_write(s, sbdf, reg, 4, *orig | ones);
	sized = session_dom_read(s, sbdf, reg, 4);
	session_dom_write(s, sbdf, reg, 4, *orig);
	return sized;
}

/* Size BAR slot reg (ROM when rom) like Linux's __pci_read_base() does;
 * returns how many slots it used (2 for a 64-bit BAR). */
static unsigned int probe_bar(struct session *s, vpci_sbdf_t sbdf,
			      unsigned int reg, bool rom, bool last_slot,
			      struct sysfs_resource *res)
{
	uint32_t orig, sized, orig_hi = 0, sized_hi = 0;
	uint64_t addr, mask;
	bool is64 = false;

	memset(res, 0, sizeof(*res));
	sized = probe_dword(s, sbdf, reg, rom ? 0xfffff800u : 0xffffffffu,
			    &orig);
	if (sized == 0xffffffffu)
		sized = 0; /* nobody answered */
	if (rom) {
		mask = 0xfffff800u;
		res->flags = IORESOURCE_MEM | IORESOURCE_PREFETCH |
			     IORESOURCE_READONLY | (orig & 1u);
	} else if (orig & 1u) {
		mask = 0xfffffffcu;
		res->flags = IORESOURCE_IO | (orig & 3u);
	} else {
		mask = 0xfffffff0u;
		res->flags = IORESOURCE_MEM | (orig & 0xfu);
		if (orig & 8u)
			res->flags |= IORESOURCE_PREFETCH;
		is64 = (orig & 6u) == 4u && !last_slot;
		if (is64) {
			res->flags |= IORESOURCE_MEM_64;
			sized_hi = probe_dword(s, sbdf, reg + 4, 0xffffffffu,
					       &orig_hi);
			mask |= 0xffffffff00000000ull;
		}
	}
	addr = ((uint64_t)orig_hi << 32 | orig) & mask;
	res->start = addr;
	res->end = lowest_bit(((uint64_t)sized_hi << 32 | sized) & mask);
	if (res->end == 0) {
		memset(res, 0, sizeof(*res));
	} else {
		res->flags |= IORESOURCE_SIZEALIGN;
		res->end = addr + res->end - 1;
	}
	return is64 ? 2 : 1;
}

void sysfs_probe_resources(struct session *s, vpci_sbdf_t sbdf,
			   struct sysfs_resource res[SYSFS_NR_RESOURCES])
{
	unsigned int header_type =
		session_dom_read(s, sbdf, VPCI_REG_HEADER_TYPE, 1) & VPCI_HEADER_TYPE_MASK;
	unsigned int nr_bars = header_type == 0 ? 6 : header_type == 1 ? 2 : 0;
	unsigned int rom_reg = SYSFS_ROM_REG(header_type);
	uint32_t cmd;
	unsigned int i = 0;

	memset(res, 0, SYSFS_NR_RESOURCES * sizeof(*res));
	if (!nr_bars)
		return;
	cmd = session_dom_read(s, sbdf, VPCI_REG_COMMAND, 2);
	/* Decode off while the BARs hold all-ones, as Linux does, so nothing
	 * gets mapped at a bogus address. */
	if (cmd & CMD_DECODE)
		session_dom_write(s, sbdf, VPCI_REG_COMMAND, 2, cmd & ~CMD_DECODE);
	while (i < nr_bars)
		i += probe_bar(s, sbdf, 0x10 + 4 * i, false, i + 1 == nr_bars,
			       &res[i]);
	probe_bar(s, sbdf, rom_reg, true, false, &res[6]);
	if (cmd & CMD_DECODE)
		session_dom_write(s, sbdf, VPCI_REG_COMMAND, 2, cmd);
}

/* ------------------------------------------------------------- files */

static int write_file(const char *dir, const char *name, const void *data,
		      size_t len, char *msg, size_t msg_len)
{
	char path[PATH_MAX];
	FILE *f;
	int bad;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		snprintf(msg, msg_len, "%s/%s: path too long", dir, name);
		return -1;
	}
	f = fopen(path, "wb");
	if (!f) {
		snprintf(msg, msg_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	bad = fwrite(data, 1, len, f) != len;
	bad |= fclose(f) != 0;
	if (bad) {
		snprintf(msg, msg_len, "%s: write failed", path);
		return -1;
	}
	return 0;
}

static int make_dir(const char *path, char *msg, size_t msg_len)
{
	struct stat st;

	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(msg, msg_len, "%s: %s", path, strerror(errno));
	return -1;
}

static bool dir_is_empty(const char *path)
{
	struct dirent *de;
	bool empty = true;
	DIR *d = opendir(path);

	if (!d)
		return false;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

static unsigned int cfg16(const uint8_t *cfg, unsigned int off)
{
	return cfg[off] | (unsigned int)cfg[off + 1] << 8;
}

/* Subsystem ids: type 0 and CardBus have them in the header, a bridge in
 * its subsystem-ID capability (PCI-to-PCI bridge 1.2, 3.2.5.15). */
static void subsystem_ids(const uint8_t *cfg, unsigned int *vendor,
			  unsigned int *device)
{
	unsigned int type = cfg[VPCI_REG_HEADER_TYPE] & VPCI_HEADER_TYPE_MASK, ptr, guard = 0;

	*vendor = *device = 0;
	if (type == 0 || type == 2) {
		*vendor = cfg16(cfg, type == 0 ? 0x2c : 0x40);
		*device = cfg16(cfg, type == 0 ? 0x2e : 0x42);
		return;
	}
	if (!(cfg16(cfg, VPCI_REG_STATUS) & VPCI_STATUS_CAP_LIST))
		return;
	for (ptr = cfg[VPCI_REG_CAP_PTR] & 0xfcu; ptr >= 0x40 && guard < 48;
	     ptr = cfg[ptr + 1] & 0xfcu, guard++)
		if (cfg[ptr] == VPCI_CAP_ID_SSVID) {
			*vendor = cfg16(cfg, ptr + 4);
			*device = cfg16(cfg, ptr + 6);
			return;
		}
}

size_t sysfs_resource_text(const struct sysfs_resource *res, char *buf,
			   size_t len)
{
	size_t used = 0;
	unsigned int i;
	int n;

	for (i = 0; i < SYSFS_NR_RESOURCES; i++) {
		n = snprintf(buf + used, len - used,
			     "0x%016" PRIx64 " 0x%016" PRIx64 " 0x%016" PRIx64
			     "\n",
			     res[i].start, res[i].end, res[i].flags);
		if (n < 0 || (size_t)n >= len - used)
			return used;
		used += (size_t)n;
	}
	return used;
}

int sysfs_attr_text(const uint8_t cfg[SESSION_CONFIG_BYTES], const char *name,
		    char *buf, size_t len)
{
	unsigned int ss_vendor, ss_device, val;
	const char *fmt = "0x%04x\n";
	int n;

	subsystem_ids(cfg, &ss_vendor, &ss_device);
	if (!strcmp(name, "vendor")) {
		val = cfg16(cfg, 0);
	} else if (!strcmp(name, "device")) {
		val = cfg16(cfg, 2);
	} else if (!strcmp(name, "class")) {
		val = cfg[9] | (unsigned int)cfg16(cfg, 0x0a) << 8;
		fmt = "0x%06x\n";
	} else if (!strcmp(name, "revision")) {
		val = cfg[8];
		fmt = "0x%02x\n";
	} else if (!strcmp(name, "irq")) {
		/* Linux shows 0 for a function without an interrupt pin and
		 * for a line nobody routed (0xff, "unknown"): lspci then
		 * prints no "pin ? routed to IRQ 255". */
		val = cfg[0x3d] == 0 || cfg[0x3c] == 0xff ? 0 : cfg[0x3c];
		fmt = "%u\n";
	} else if (!strcmp(name, "subsystem_vendor")) {
		val = ss_vendor;
	} else if (!strcmp(name, "subsystem_device")) {
		val = ss_device;
	} else {
		return -1;
	}
	n = snprintf(buf, len, fmt, val);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static int export_fn(struct session *s, const char *devices, vpci_sbdf_t sbdf,
		     char *msg, size_t msg_len)
{
	char dir[PATH_MAX], name[TEXT_SBDF_STRLEN];
	char text[SYSFS_RESOURCE_TEXT_MAX];
	uint8_t cfg[SESSION_CONFIG_BYTES];
	struct sysfs_resource res[SYSFS_NR_RESOURCES];
	size_t i;
	int len;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", devices,
			     text_sbdf_str(sbdf, name)) >= sizeof(dir)) {
		snprintf(msg, msg_len, "%s: path too long", devices);
		return -1;
	}
	if (make_dir(dir, msg, msg_len))
		return -1;
	/* Config first: the probe below restores what it changes, and the
	 * dump must show the state before it. */
	session_dom_config(s, sbdf, cfg);
	sysfs_probe_resources(s, sbdf, res);
	if (write_file(dir, "config", cfg, sizeof(cfg), msg, msg_len) ||
	    write_file(dir, "resource", text,
		       sysfs_resource_text(res, text, sizeof(text)), msg,
		       msg_len))
		return -1;
	for (i = 0; sysfs_attr_names[i]; i++) {
		len = sysfs_attr_text(cfg, sysfs_attr_names[i], text,
				      sizeof(text));
		if (write_file(dir, sysfs_attr_names[i], text, (size_t)len, msg,
			       msg_len))
			return -1;
	}
	return 0;
}

int export_sysfs(struct session *s, const char *outdir, char *msg,
		 size_t msg_len)
{
	char devices[PATH_MAX];
	struct progress p;
	size_t i;
	int rc = 0;

	if ((size_t)snprintf(devices, sizeof(devices), "%s/devices", outdir) >=
	    sizeof(devices)) {
		snprintf(msg, msg_len, "%s: path too long", outdir);
		return -1;
	}
	if (make_dir(outdir, msg, msg_len) || make_dir(devices, msg, msg_len))
		return -1;
	/* Functions left from another export would show up in lspci as if
	 * this domain saw them; never delete the user's files, refuse. */
	if (!dir_is_empty(devices)) {
		snprintf(msg, msg_len,
			 "%s: already holds functions; export into a new "
			 "directory",
			 devices);
		return -1;
	}
	progress_start(&p, "export-sysfs", s->nr_view_by_dom);
	for (i = 0; i < s->nr_view_by_dom && !rc; i++) {
		rc = export_fn(s, devices, s->view_by_dom[i].dom_sbdf, msg,
			       msg_len);
		progress_step(&p, i + 1);
	}
	progress_end(&p);
	return rc;
}
