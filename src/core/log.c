/* SPDX-License-Identifier: MIT */
/*
 * The core's own tiny formatter and the log entry point. No printf exists
 * in a freestanding build, so messages are formatted here and handed to the
 * platform finished.
 */
#include "internal.h"

#define VPCI_LOG_LINE_MAX 256u

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

static void put_char(struct fmt_out *out, char c)
{
	if (out->len + 1 < out->size)
		out->buf[out->len] = c;
	out->len++;
}

static void put_str(struct fmt_out *out, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		put_char(out, *s++);
}

/*
 * Divide *v by ten in place and return the remainder, with 32-bit
 * arithmetic only: on a 32-bit target a 64-bit division is a libgcc call
 * (__udivdi3, __aeabi_uldivmod) that a hypervisor may not link. Long
 * division by 16-bit limbs keeps every partial dividend below 10 << 16.
 */
static unsigned int div10(unsigned long long *v)
{
	uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v;
	uint32_t q_hi = hi / 10u, rem = hi % 10u;
	uint32_t cur = rem << 16 | lo >> 16;
	uint32_t q_mid = cur / 10u;

	cur = (cur % 10u) << 16 | (lo & 0xffffu);
	*v = (unsigned long long)q_hi << 32 | q_mid << 16 | cur / 10u;
	return cur % 10u;
}

enum fmt_base { FMT_DEC, FMT_HEX };

static void put_unsigned(struct fmt_out *out, unsigned long long v,
			 enum fmt_base base, unsigned int min_digits)
{
	char digits[24];
	unsigned int n = 0;

	do {
		unsigned int d;

		if (base == FMT_HEX) {
			d = (unsigned int)(v & 0xfu);
			v >>= 4;
		} else {
			d = div10(&v);
		}
		digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
	} while (v && n < sizeof(digits));
	while (n < min_digits && n < sizeof(digits))
		digits[n++] = '0';
	while (n)
		put_char(out, digits[--n]);
}

static void put_sbdf(struct fmt_out *out, vpci_sbdf_t sbdf)
{
	put_unsigned(out, VPCI_SBDF_SEG(sbdf), FMT_HEX, 4);
	put_char(out, ':');
	put_unsigned(out, VPCI_SBDF_BUS(sbdf), FMT_HEX, 2);
	put_char(out, ':');
	put_unsigned(out, VPCI_SBDF_DEV(sbdf), FMT_HEX, 2);
	put_char(out, '.');
	put_unsigned(out, VPCI_SBDF_FN(sbdf), FMT_HEX, 1);
}

/* Fetch an integer argument of the given length modifier count (0-2). */
static unsigned long long arg_unsigned(__builtin_va_list *ap, int longs)
{
	if (longs >= 2)
		return __builtin_va_arg(*ap, unsigned long long);
	if (longs == 1)
		return __builtin_va_arg(*ap, unsigned long);
	return __builtin_va_arg(*ap, unsigned int);
}

static long long arg_signed(__builtin_va_list *ap, int longs)
{
	if (longs >= 2)
		return __builtin_va_arg(*ap, long long);
	if (longs == 1)
		return __builtin_va_arg(*ap, long);
	return __builtin_va_arg(*ap, int);
}

static void put_conversion(struct fmt_out *out, const char **fmtp,
			   __builtin_va_list *ap)
{
	const char *f = *fmtp;
	int longs = 0;

	while (*f == 'l') {
		longs++;
		f++;
	}
	switch (*f) {
	case 's':
		put_str(out, __builtin_va_arg(*ap, const char *));
		break;
	case 'c':
		put_char(out, (char)__builtin_va_arg(*ap, int));
		break;
	case 'd': {
		long long v = arg_signed(ap, longs);
		if (v < 0) {
			put_char(out, '-');
			put_unsigned(out, 0ull - (unsigned long long)v, FMT_DEC,
				     1);
		} else {
			put_unsigned(out, (unsigned long long)v, FMT_DEC, 1);
		}
		break;
	}
	case 'u':
		put_unsigned(out, arg_unsigned(ap, longs), FMT_DEC, 1);
		break;
	case 'x':
		put_unsigned(out, arg_unsigned(ap, longs), FMT_HEX, 1);
		break;
	case 'p':
		if (f[1] == 'S') {
			f++;
			put_sbdf(out, (vpci_sbdf_t) __builtin_va_arg(
					      *ap, unsigned int));
		} else {
			put_str(out, "0x");
			put_unsigned(
				out,
				(unsigned long long)(uintptr_t) __builtin_va_arg(
					*ap, void *),
				FMT_HEX, 1);
		}
		break;
	case '%':
		put_char(out, '%');
		break;
	case '\0':
		f--; /* a lone '%' at the end: print nothing more */
		break;
	default:
		put_char(out, '%');
		put_char(out, *f);
		break;
	}
	*fmtp = f + 1;
}

size_t vpci_format(char *buf, size_t size, const char *fmt,
		   __builtin_va_list ap)
{
	struct fmt_out out = {.buf = buf, .size = size, .len = 0};
	__builtin_va_list args;

	/* A copy, so its address has one type whatever va_list is. */
	__builtin_va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put_char(&out, *fmt++);
			continue;
		}
		fmt++;
		put_conversion(&out, &fmt, &args);
	}
	__builtin_va_end(args);
	if (size)
		buf[out.len < size ? out.len : size - 1] = '\0';
	return out.len < size ? out.len : (size ? size - 1 : 0);
}

void vpci_log(const struct vpci_host *host, enum vpci_log_level level,
	      const char *fmt, ...)
{
	char line[VPCI_LOG_LINE_MAX];
	__builtin_va_list ap;

	if (!host->ops->log)
		return;
	__builtin_va_start(ap, fmt);
	vpci_format(line, sizeof(line), fmt, ap);
	__builtin_va_end(ap);
	host->ops->log(host->ctx, level, line);
}
