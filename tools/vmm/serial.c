/* SPDX-License-Identifier: MIT */
/*
 * The guest's console: a 16550-compatible UART at 0x3f8 as far as
 * Linux's 8250 driver looks (scratch, IER and loopback probes, the
 * transmitter-empty interrupt its tty output waits for). Nothing is ever
 * received; there is no FIFO, so Linux takes it for a 16450.
 */
#include "vmm.h"

enum {
	UART_DATA = 0, /* THR/RBR, or DLL with DLAB */
	UART_IER = 1,  /* or DLM with DLAB */
	UART_IIR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

#define LCR_DLAB 0x80u
#define IER_THRI 0x02u
#define IIR_NONE 0x01u
#define IIR_THRI 0x02u
#define LSR_THRE_TEMT 0x60u
#define MCR_LOOP 0x10u

void serial_init(struct serial *uart, FILE *out)
{
	*uart = (struct serial){ .out = out };
}

bool serial_irq(const struct serial *uart)
{
	return (uart->ier & IER_THRI) && uart->thr_empty_irq;
}

/* Modem status: in loopback the outputs come back as inputs (the 8250
 * driver's probe checks exactly that); otherwise a cable is attached. */
static uint8_t modem_status(const struct serial *uart)
{
	uint8_t mcr = uart->mcr;

	if (!(mcr & MCR_LOOP))
		return 0xb0; /* DCD, DSR, CTS */
	return (uint8_t)(((mcr & 0x08u) << 4) | ((mcr & 0x04u) << 4) |
			 ((mcr & 0x01u) << 5) | ((mcr & 0x02u) << 3));
}

uint8_t serial_in(struct serial *uart, unsigned int off)
{
	bool dlab = uart->lcr & LCR_DLAB;

	switch (off) {
	case UART_DATA:
		return dlab ? uart->dll : 0;
	case UART_IER:
		return dlab ? uart->dlm : uart->ier;
	case UART_IIR:
		/* Reading IIR acknowledges the transmitter-empty source. */
		if (serial_irq(uart)) {
			uart->thr_empty_irq = false;
			return IIR_THRI;
		}
		return IIR_NONE;
	case UART_LCR:
		return uart->lcr;
	case UART_MCR:
		return uart->mcr;
	case UART_LSR:
		return LSR_THRE_TEMT;
	case UART_MSR:
		return modem_status(uart);
	case UART_SCR:
		return uart->scr;
	}
	return 0xff;
}

void serial_out(struct serial *uart, unsigned int off, uint8_t val)
{
	bool dlab = uart->lcr & LCR_DLAB;

	switch (off) {
	case UART_DATA:
		if (dlab) {
			uart->dll = val;
			break;
		}
		if (!(uart->mcr & MCR_LOOP) && uart->out) {
			fputc(val, uart->out);
			if (val == '\n')
				fflush(uart->out);
		}
		/* Sent at once: the holding register is empty again. */
		uart->thr_empty_irq = true;
		break;
	case UART_IER:
		if (dlab) {
			uart->dlm = val;
			break;
		}
		/* Enabling THRI while the holding register is empty
		 * interrupts straight away, as on a real 16550. */
		if ((val & IER_THRI) && !(uart->ier & IER_THRI))
			uart->thr_empty_irq = true;
		uart->ier = val & 0x0fu;
		break;
	case UART_LCR:
		uart->lcr = val;
		break;
	case UART_MCR:
		uart->mcr = val & 0x1fu;
		break;
	case UART_SCR:
		uart->scr = val;
		break;
	default: /* FCR, LSR, MSR: nothing to change */
		break;
	}
}
