/*
 * Parser of the L2 kernel's counter lines (l2_counters.h): the prefix,
 * a decimal phase index below NESTLAB_MAX_PHASES, a name of 1..
 * NESTLAB_COUNTER_NAME_MAX characters of [a-z0-9_.] (as the results
 * stream's), a decimal value that fits 64 bits, nothing after it.
 */
#include "l2_counters.h"

#include <string.h>
#include <nestlab/ktramp.h>
#include <nestlab/results.h>

static int dec(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	while (*p < end && **p >= '0' && **p <= '9') {
		unsigned d = (unsigned)(**p - '0');

		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
		(*p)++;
	}
	if (*p == s || (*p - s > 1 && *s == '0'))
		return -1;
	*v = x;
	return 0;
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

int l2_counters_line(const char *line, size_t len, struct results_named_counter *out)
{
	const char *p = line, *end = line + len, *name;
	size_t plen = strlen(NESTLAB_KTRAMP_COUNTER_PREFIX), nlen;
	uint64_t idx, v;

	if (len < plen || memcmp(line, NESTLAB_KTRAMP_COUNTER_PREFIX, plen))
		return -1;
	p += plen;
	if (dec(&p, end, &idx) || idx >= NESTLAB_MAX_PHASES || p == end || *p++ != ' ')
		return -1;
	name = p;
	while (p < end && name_char(*p))
		p++;
	nlen = (size_t)(p - name);
	if (!nlen || nlen > NESTLAB_COUNTER_NAME_MAX || p == end || *p++ != ' ' ||
	    dec(&p, end, &v) || p != end)
		return -1;
	memset(out, 0, sizeof(*out));
	out->phase = (unsigned)idx;
	memcpy(out->name, name, nlen);
	out->value = v;
	return 0;
}

static int known(const struct results_stream *rs, const struct results_named_counter *c)
{
	for (unsigned i = 0; i < rs->ncounters; i++)
		if (rs->counters[i].phase == c->phase && !strcmp(rs->counters[i].name, c->name))
			return 1;
	return 0;
}

unsigned l2_counters_merge(const char *text, size_t len, struct results_stream *rs,
			   unsigned *skipped)
{
	const char *p = text, *end = text + len;
	size_t plen = strlen(NESTLAB_KTRAMP_COUNTER_PREFIX);
	unsigned added = 0, bad = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *s;

		if (n && p[n - 1] == '\r')
			n--;
		/* the console may carry a prefix (L1's relay): start at ours */
		s = memmem(p, n, NESTLAB_KTRAMP_COUNTER_PREFIX, plen);
		if (s) {
			struct results_named_counter c;

			if (l2_counters_line(s, n - (size_t)(s - p), &c) || c.phase >= rs->nphases ||
			    known(rs, &c) || rs->ncounters == NESTLAB_MAX_COUNTERS) {
				bad++;
			} else {
				rs->counters[rs->ncounters++] = c;
				added++;
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (skipped)
		*skipped = bad;
	return added;
}
