/* SPDX-License-Identifier: MIT */
/*
 * Stub: printk and its log-level prefixes. Xen puts the level in front of
 * the format as a string ("<0>" error ... "<3>" debug); the G variants are
 * rate-limited messages caused by guests.
 */
#ifndef PORT_STUB_XEN_LIB_H
#define PORT_STUB_XEN_LIB_H

#define XENLOG_ERR	 "<0>"
#define XENLOG_WARNING	 "<1>"
#define XENLOG_INFO	 "<2>"
#define XENLOG_DEBUG	 "<3>"
#define XENLOG_G_ERR	 "<G0>"
#define XENLOG_G_WARNING "<G1>"
#define XENLOG_G_INFO	 "<G2>"
#define XENLOG_G_DEBUG	 "<G3>"

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* PORT_STUB_XEN_LIB_H */
