/*
 * A log of the interrupts the APIC groups take (irqlog.c): the order of
 * vectors, whether each was in service (its ISR bit set) when its handler
 * ran, and the handler's EOI. A group installs the logging handler on the
 * vectors it sends, or its own handler that calls irqlog_note.
 */
#ifndef TK_IRQLOG_H
#define TK_IRQLOG_H

#include <stdbool.h>
#include "tk.h"

#define IRQLOG_MAX 16

struct irqlog_entry {
	unsigned vector;
	bool in_service;      /* ISR[vector] set on entry to the handler */
};

extern volatile unsigned irqlog_n;
extern struct irqlog_entry irqlog[IRQLOG_MAX];

void irqlog_reset(void);
/* Installs on `vector` the handler that notes it and sends EOI. */
void irqlog_install(unsigned vector);
void irqlog_uninstall(unsigned vector);
/* Notes f's vector (for handlers of a group's own). */
void irqlog_note(struct tk_frame *f);
/* How many entries have this vector. */
unsigned irqlog_count(unsigned vector);
/* Spins until n interrupts are logged or `spins` iterations pass
 * (interrupts enabled meanwhile); returns irqlog_n >= n. */
bool irqlog_wait(unsigned n, unsigned spins);

#endif
