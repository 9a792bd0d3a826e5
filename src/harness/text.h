/* SPDX-License-Identifier: MIT */
/*
 * The harness's one text layer for PCI addresses and numbers: hex digits
 * and runs of them, the SBDF forms every input uses ("SSSS:BB:DD.F" as
 * sysfs names them, "[SSSS:]BB:DD.F" as lspci and setpci accept them),
 * the numbers of scripts, and printing an SBDF. Loaders, the script
 * runner, the CLI lists and the exporters all parse and print through it,
 * so one address reads the same everywhere.
 */
#ifndef HARNESS_TEXT_H
#define HARNESS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpci/vpci.h"

/* The value of one hex digit, or -1. */
int text_hex_digit(char c);

/* Up to max_digits hex digits at *s into *out, advancing *s past them;
 * returns how many were read (0: none, *out 0). */
unsigned int text_hex_run(const char **s, unsigned int max_digits,
			  uint64_t *out);

/* True when s[0..len) is 1..max_digits hex digits and nothing else. */
bool text_hex_field(const char *s, size_t len, size_t max_digits,
		    uint64_t *out);

/* "0x" (or "0X") then 1-16 hex digits at *s, advancing *s past them. */
bool text_hex64_0x(const char **s, uint64_t *out);

/* Hexadecimal with an optional 0x, no sign, at most max; true on
 * success. ("10" is 0x10: decimal is never assumed.) */
bool text_parse_number(const char *s, uint64_t max, uint64_t *val);

/*
 * The fields of "[SEG:]BUS:DEV.F" at the start of s as written, before any
 * check of how many digits each has: callers decide which forms they take.
 * False when s does not have that shape (F: one digit 0-7).
 */
struct text_sbdf_fields {
	bool has_segment;
	uint64_t seg, bus, dev;
	unsigned int seg_digits, bus_digits, dev_digits;
	unsigned int fn;
	const char *end; /* just after F */
};
bool text_sbdf_scan(const char *s, struct text_sbdf_fields *f);

/* "SSSS:BB:DD.F" or "BB:DD.F" with 1-4, 1-2 and 1-2 digits and nothing
 * after (lspci -s, setpci, scripts, CLI lists). */
bool text_parse_sbdf(const char *s, vpci_sbdf_t *sbdf);
/* Exactly "SSSS:BB:DD.F", as sysfs names functions. */
bool text_parse_sbdf_canonical(const char *s, vpci_sbdf_t *sbdf);

/* "SSSS:BB:DD.F" into buf (TEXT_SBDF_STRLEN bytes at least); returns buf. */
#define TEXT_SBDF_STRLEN 13
char *text_sbdf_str(vpci_sbdf_t sbdf, char *buf);

#endif /* HARNESS_TEXT_H */
