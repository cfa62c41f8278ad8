/*
 * Parser of the L2 kernel's batching lines (batch_console.h). The format
 * is fixed by guests/kernel/batch_stats.c: keywords in order, decimal
 * counts, `sizes` and `ends` as comma-separated k:count lists.
 */
#include "batch_console.h"

#include <string.h>

#define PREFIX "nestlab-l2: batch phase "

struct cur {
	const char *p, *end;
};

static int lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return -1;
	c->p += n;
	return 0;
}

static int num(struct cur *c, uint64_t *v)
{
	uint64_t x = 0;
	const char *s = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned d = (unsigned)(*c->p - '0');

		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
		c->p++;
	}
	if (c->p == s)
		return -1;
	*v = x;
	return 0;
}

int batch_console_line(const char *line, size_t len, unsigned *index,
		       struct batch_console_phase *ph)
{
	struct cur c = { line, line + len };
	uint64_t idx, k, n;

	memset(ph, 0, sizeof(*ph));
	if (lit(&c, PREFIX) || num(&c, &idx) || idx >= NESTLAB_MAX_PHASES || lit(&c, ": entries ") ||
	    num(&c, &ph->entries) || lit(&c, " syscalls ") || num(&c, &ph->syscalls) ||
	    lit(&c, " emulated ") || num(&c, &ph->emulated) || lit(&c, " skipped ") ||
	    num(&c, &ph->skipped) || lit(&c, " sizes "))
		return -1;
	do {
		if (num(&c, &k) || k < 1 || k > NESTLAB_BATCH_MAX_LIMIT || lit(&c, ":") ||
		    num(&c, &n))
			return -1;
		ph->size[k] += n;
	} while (lit(&c, ",") == 0);
	if (lit(&c, " ends "))
		return -1;
	do {
		const char *s = c.p;
		size_t nl;

		while (c.p < c.end && ((*c.p >= 'a' && *c.p <= 'z') || *c.p == '_'))
			c.p++;
		nl = (size_t)(c.p - s);
		if (!nl || nl >= BATCH_CONSOLE_END_NAME || ph->nends == BATCH_CONSOLE_ENDS_MAX ||
		    lit(&c, ":") || num(&c, &n))
			return -1;
		memcpy(ph->end[ph->nends].name, s, nl);
		ph->end[ph->nends].name[nl] = '\0';
		ph->end[ph->nends++].count = n;
	} while (lit(&c, ",") == 0);
	if (c.p != c.end)
		return -1;
	ph->present = true;
	*index = (unsigned)idx;
	return 0;
}

void batch_console_parse(const char *text, size_t len, struct batch_console *out)
{
	const char *p = text, *end = text + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *s = memmem(p, n, PREFIX, strlen(PREFIX));

		if (n && p[n - 1] == '\r')
			n--;
		if (s) {
			struct batch_console_phase ph;
			unsigned idx;

			/* the console may carry a prefix (L1's relay): start at ours */
			if (batch_console_line(s, n - (size_t)(s - p), &idx, &ph) == 0) {
				out->phase[idx] = ph;
				out->lines++;
			} else {
				out->malformed++;
			}
		}
		p = nl ? nl + 1 : end;
	}
}
