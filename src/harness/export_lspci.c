/* SPDX-License-Identifier: MIT */
/*
 * `vpci-harness dump`: the session's view in the text format `lspci -xxxx`
 * prints and `lspci -F` reads back. The header line carries the numeric
 * identity (as `lspci -n` would); lspci ignores everything after the
 * address, so it is for human readers only.
 */
#include "export_lspci.h"
#include "progress.h"

#define ROW_BYTES 16u

static void print_header(FILE *out, vpci_sbdf_t sbdf, const uint8_t *cfg)
{
	unsigned int vendor = cfg[0] | cfg[1] << 8;
	unsigned int device = cfg[2] | cfg[3] << 8;
	unsigned int class = cfg[0x0a] | cfg[0x0b] << 8;

	fprintf(out, "%04x:%02x:%02x.%u %04x: %04x:%04x (rev %02x)\n",
		VPCI_SBDF_SEG(sbdf), VPCI_SBDF_BUS(sbdf), VPCI_SBDF_DEV(sbdf),
		VPCI_SBDF_FN(sbdf), class, vendor, device, cfg[0x08]);
}

static void print_rows(FILE *out, const uint8_t *cfg)
{
	unsigned int off, i;

	for (off = 0; off < SESSION_CONFIG_BYTES; off += ROW_BYTES) {
		/* lspci's own layout: 2 offset digits, 3 from 0x100. */
		fprintf(out, off < 0x100 ? "%02x:" : "%03x:", off);
		for (i = 0; i < ROW_BYTES; i++)
			fprintf(out, " %02x", cfg[off + i]);
		fputc('\n', out);
	}
}

int export_lspci(struct session *s, FILE *out)
{
	uint8_t cfg[SESSION_CONFIG_BYTES];
	struct progress p;
	size_t i;

	progress_start(&p, "dump", s->nr_view_by_dom);
	for (i = 0; i < s->nr_view_by_dom; i++) {
		vpci_sbdf_t sbdf = s->view_by_dom[i].dom_sbdf;

		session_dom_config(s, sbdf, cfg);
		print_header(out, sbdf, cfg);
		print_rows(out, cfg);
		fputc('\n', out);
		progress_step(&p, i + 1);
	}
	progress_end(&p);
	return fflush(out) || ferror(out) ? -1 : 0;
}
