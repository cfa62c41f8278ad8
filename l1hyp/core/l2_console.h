/*
 * L2's console as L1 shows it: bytes from the emulated UART and from
 * console-write hypercalls are forwarded to L1's console, each line starting
 * with "L2: " so the two levels' output stay apart. Pure C.
 */
#ifndef L1_L2_CONSOLE_H
#define L1_L2_CONSOLE_H

#include <stddef.h>
#include <stdbool.h>

struct l2_console {
	bool mid_line;
	void (*putc)(void *ctx, char c);
	void *ctx;
};

void l2_console_putc(struct l2_console *c, char ch);
void l2_console_write(struct l2_console *c, const char *buf, size_t len);

#endif
