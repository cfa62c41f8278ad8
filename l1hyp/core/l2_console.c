/* Line-prefixing forwarder for L2's console output (see l2_console.h). */
#include "l2_console.h"

void l2_console_putc(struct l2_console *c, char ch)
{
	if (ch == '\r')
		return;
	if (!c->mid_line) {
		const char *p = "L2: ";

		while (*p)
			c->putc(c->ctx, *p++);
		c->mid_line = true;
	}
	c->putc(c->ctx, ch);
	if (ch == '\n')
		c->mid_line = false;
}

void l2_console_write(struct l2_console *c, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		l2_console_putc(c, buf[i]);
}
