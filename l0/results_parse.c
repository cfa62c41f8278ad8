/*
 * Line-by-line parser of the results stream. Order rules: the header comes
 * first; phases are numbered 0,1,2.. in order, at most NESTLAB_MAX_PHASES;
 * an exit line names a phase already seen (or "total"), a reason from
 * exit_reason.h, and appears once per (phase, reason); "status" appears once;
 * "end" needs a status and is the last line. Trailing '\r' (serial lines) and
 * empty lines are ignored. A last line without its newline that does not
 * parse was cut short: that is an incomplete stream, not a malformed one.
 */
#include "results_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <nestlab/status.h>

static const char *const results_reason_names[] = {
#define RESULTS_REASON_NAME_(id, name) name,
	NESTLAB_EXIT_REASONS(RESULTS_REASON_NAME_)
#undef RESULTS_REASON_NAME_
};

int results_reason_index(const char *name, size_t len)
{
	for (int i = 0; i < NESTLAB_EXIT_NR; i++)
		if (strlen(results_reason_names[i]) == len &&
		    !memcmp(results_reason_names[i], name, len))
			return i;
	return -1;
}

/* A line split into space-separated fields (at most 6 kept). */
struct results_line {
	const char *f[6];
	size_t flen[6];
	unsigned nf;        /* number of fields, may exceed 6 */
	const char *rest1;  /* text after the first field and its space */
	size_t rest1_len;
};

static void results_split(const char *s, size_t len, struct results_line *l)
{
	size_t start = 0;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != ' ')
			continue;
		if (l->nf < 6) {
			l->f[l->nf] = s + start;
			l->flen[l->nf] = i - start;
		}
		if (++l->nf == 1 && i < len) {
			l->rest1 = s + i + 1;
			l->rest1_len = len - i - 1;
		}
		start = i + 1;
	}
}

static bool results_field_is(const struct results_line *l, unsigned i, const char *kw)
{
	return i < l->nf && i < 6 && l->flen[i] == strlen(kw) && !memcmp(l->f[i], kw, l->flen[i]);
}

/* Strict unsigned decimal (no sign, no leading spaces, no overflow). */
static int results_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!len || len > 20)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static bool results_name_ok(const char *s, size_t len)
{
	if (!len || len > NESTLAB_PHASE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

struct results_ctx {
	struct results_stream *rs;
	char *why;
	size_t whylen;
	unsigned lineno;
	bool seen_header;
};

static int results_bad(struct results_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->why, c->whylen, "results line %u: ", c->lineno);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->whylen)
		vsnprintf(c->why + n, c->whylen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int results_header(struct results_ctx *c, const struct results_line *l)
{
	uint64_t v;

	if (!results_field_is(l, 0, NESTLAB_RESULTS_HEADER))
		return results_bad(c, "expected the '" NESTLAB_RESULTS_HEADER "' header first");
	if (l->nf != 3 || results_u64(l->f[1], l->flen[1], &v))
		return results_bad(c, "header wants 'nestlab-results <version> producer=l1|l2'");
	if (v != NESTLAB_RESULTS_FORMAT_VERSION)
		return results_bad(c, "format version %llu, this launcher reads %u",
				   (unsigned long long)v, NESTLAB_RESULTS_FORMAT_VERSION);
	if (!results_field_is(l, 2, "producer=l1") && !results_field_is(l, 2, "producer=l2"))
		return results_bad(c, "producer must be l1 or l2");
	c->rs->version = (unsigned)v;
	memcpy(c->rs->producer, l->f[2] + 9, 2);
	c->rs->producer[2] = '\0';
	c->seen_header = true;
	return 0;
}

static int results_phase_line(struct results_ctx *c, const struct results_line *l)
{
	struct results_stream *rs = c->rs;
	uint64_t idx, tsc;

	if (l->nf != 4)
		return results_bad(c, "phase wants 'phase <index> <name> tsc=<ticks>'");
	if (results_u64(l->f[1], l->flen[1], &idx))
		return results_bad(c, "bad phase index '%.*s'", (int)l->flen[1], l->f[1]);
	if (idx >= NESTLAB_MAX_PHASES)
		return results_bad(c, "too many phases (at most %u)", NESTLAB_MAX_PHASES);
	if (idx != rs->nphases)
		return results_bad(c, "phase %llu out of order (expected %u)",
				   (unsigned long long)idx, rs->nphases);
	if (!results_name_ok(l->f[2], l->flen[2]))
		return results_bad(c, "bad phase name '%.*s'", (int)l->flen[2], l->f[2]);
	if (l->flen[3] < 5 || memcmp(l->f[3], "tsc=", 4) ||
	    results_u64(l->f[3] + 4, l->flen[3] - 4, &tsc))
		return results_bad(c, "bad phase tsc '%.*s'", (int)l->flen[3], l->f[3]);
	struct results_phase *p = &rs->phases[rs->nphases++];
	memset(p, 0, sizeof(*p));
	memcpy(p->name, l->f[2], l->flen[2]);
	p->name[l->flen[2]] = '\0';
	p->tsc = tsc;
	return 0;
}

static int results_exit_line(struct results_ctx *c, const struct results_line *l)
{
	struct results_stream *rs = c->rs;
	struct results_exits *ex;
	uint64_t idx, count, cycles;
	int reason;

	if (l->nf != 5)
		return results_bad(c, "exit wants 'exit <index|total> <reason> <count> <cycles>'");
	if (results_field_is(l, 1, NESTLAB_RESULTS_TOTAL)) {
		ex = &rs->totals;
	} else if (results_u64(l->f[1], l->flen[1], &idx)) {
		return results_bad(c, "bad exit phase index '%.*s'", (int)l->flen[1], l->f[1]);
	} else if (idx >= rs->nphases) {
		return results_bad(c, "exit names phase %llu, which was not declared",
				   (unsigned long long)idx);
	} else {
		ex = &rs->phases[idx].exits;
	}
	reason = results_reason_index(l->f[2], l->flen[2]);
	if (reason < 0)
		return results_bad(c, "unknown exit reason '%.*s'", (int)l->flen[2], l->f[2]);
	if (results_u64(l->f[3], l->flen[3], &count) || results_u64(l->f[4], l->flen[4], &cycles))
		return results_bad(c, "bad exit count or cycles");
	if (ex->present & (1ull << reason))
		return results_bad(c, "exit %.*s %s repeated", (int)l->flen[1], l->f[1],
				   results_reason_names[reason]);
	ex->present |= 1ull << reason;
	ex->c[reason].count = count;
	ex->c[reason].cycles = cycles;
	return 0;
}

static bool results_counter_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > NESTLAB_COUNTER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

static int results_counter_line(struct results_ctx *c, const struct results_line *l)
{
	struct results_stream *rs = c->rs;
	struct results_named_counter *nc;
	uint64_t idx, value;

	if (l->nf != 4)
		return results_bad(c, "counter wants 'counter <index> <name> <value>'");
	if (results_u64(l->f[1], l->flen[1], &idx))
		return results_bad(c, "bad counter phase index '%.*s'", (int)l->flen[1], l->f[1]);
	if (idx >= rs->nphases)
		return results_bad(c, "counter names phase %llu, which was not declared",
				   (unsigned long long)idx);
	if (!results_counter_name_ok(l->f[2], l->flen[2]))
		return results_bad(c, "bad counter name '%.*s'",
				   (int)(l->flen[2] > 40 ? 40 : l->flen[2]), l->f[2]);
	if (results_u64(l->f[3], l->flen[3], &value))
		return results_bad(c, "bad counter value '%.*s'", (int)l->flen[3], l->f[3]);
	for (unsigned i = 0; i < rs->ncounters; i++)
		if (rs->counters[i].phase == idx && strlen(rs->counters[i].name) == l->flen[2] &&
		    !memcmp(rs->counters[i].name, l->f[2], l->flen[2]))
			return results_bad(c, "counter %llu %.*s repeated", (unsigned long long)idx,
					   (int)l->flen[2], l->f[2]);
	if (rs->ncounters >= NESTLAB_MAX_COUNTERS)
		return results_bad(c, "too many counters (at most %u)", NESTLAB_MAX_COUNTERS);
	nc = &rs->counters[rs->ncounters++];
	nc->phase = (unsigned)idx;
	memcpy(nc->name, l->f[2], l->flen[2]);
	nc->name[l->flen[2]] = '\0';
	nc->value = value;
	return 0;
}

static int results_line(struct results_ctx *c, const char *s, size_t len)
{
	struct results_stream *rs = c->rs;
	struct results_line l;
	uint64_t v;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return results_bad(c, "non-printable byte 0x%02x", (unsigned char)s[i]);
	results_split(s, len, &l);
	if (!c->seen_header)
		return results_header(c, &l);
	if (rs->complete)
		return results_bad(c, "text after 'end'");
	if (results_field_is(&l, 0, NESTLAB_RESULTS_ERROR)) {
		if (rs->nerrors < RESULTS_ERRORS_MAX) {
			size_t n = l.rest1_len < RESULTS_ERROR_LEN - 1 ? l.rest1_len
				   : RESULTS_ERROR_LEN - 1;
			if (n)
				memcpy(rs->errors[rs->nerrors], l.rest1, n);
			rs->errors[rs->nerrors++][n] = '\0';
		} else {
			rs->errors_dropped++;
		}
		return 0;
	}
	if (rs->have_status && !results_field_is(&l, 0, NESTLAB_RESULTS_END))
		return results_bad(c, "only 'error' and 'end' may follow 'status'");
	if (results_field_is(&l, 0, NESTLAB_RESULTS_PHASE))
		return results_phase_line(c, &l);
	if (results_field_is(&l, 0, NESTLAB_RESULTS_EXIT))
		return results_exit_line(c, &l);
	if (results_field_is(&l, 0, NESTLAB_RESULTS_COUNTER))
		return results_counter_line(c, &l);
	if (results_field_is(&l, 0, NESTLAB_RESULTS_STATUS)) {
		if (l.nf != 2 || results_u64(l.f[1], l.flen[1], &v) || v > NESTLAB_STATUS_MAX)
			return results_bad(c, "status wants 'status <0..%u>'", NESTLAB_STATUS_MAX);
		rs->have_status = true;
		rs->status = (unsigned)v;
		return 0;
	}
	if (results_field_is(&l, 0, NESTLAB_RESULTS_END)) {
		if (l.nf != 1)
			return results_bad(c, "text after 'end'");
		if (!rs->have_status)
			return results_bad(c, "'end' without a 'status' line");
		rs->complete = true;
		return 0;
	}
	return results_bad(c, "unknown record '%.*s'", (int)(l.flen[0] > 40 ? 40 : l.flen[0]),
			   l.f[0] ? l.f[0] : "");
}

enum results_parse_rc results_parse(const char *text, size_t len,
				    struct results_stream *out, char *why, size_t whylen)
{
	struct results_ctx c = { .rs = out, .why = why, .whylen = whylen };
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	if (whylen)
		why[0] = '\0';
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;
		const char *s = text + pos;

		c.lineno++;
		pos = nl ? end + 1 : len;
		if (n && s[n - 1] == '\r')
			n--;
		if (!n)
			continue;
		if (results_line(&c, s, n)) {
			if (!nl) {
				snprintf(why, whylen, "results stream incomplete: cut short in line %u",
					 c.lineno);
				return RESULTS_INCOMPLETE;
			}
			return RESULTS_MALFORMED;
		}
	}
	if (!c.seen_header) {
		snprintf(why, whylen, "results stream empty: the guest wrote no results");
		return RESULTS_EMPTY;
	}
	if (!out->complete) {
		snprintf(why, whylen, "results stream incomplete: no 'end' line after %u lines",
			 c.lineno);
		return RESULTS_INCOMPLETE;
	}
	return RESULTS_COMPLETE;
}
