/*
 * Command-line parsing of the fuzz guest (see cmdline.h). No libc: the
 * guest is freestanding; the host tests link the same file.
 */
#include "cmdline.h"
#include "freestanding/format.h"

void fuzz_opts_default(struct fuzz_opts *o)
{
	*o = (struct fuzz_opts){
		.mode = FUZZ_MODE_NONE, .seed = 1, .start = 0, .blocks = 100,
		.count = 100, .progress = 500, .cpl = FUZZ_CPL_0,
		.transport = FUZZ_TR_VMMCALL,
	};
}

static int eq(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++)
		if (b[i] != a[i])
			return 0;
	return b[alen] == '\0';
}

static int parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -1;
	for (; i < len; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (v > (~0ull - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* "<what> '<the len bytes at s>'" into why (the formatter has no %.*s). */
static void say(char *why, size_t whylen, const char *what, const char *s, size_t len)
{
	char tok[64];
	size_t i;

	for (i = 0; i < len && i < sizeof(tok) - 1; i++)
		tok[i] = s[i];
	tok[i] = '\0';
	format_snprintf(why, whylen, "%s '%s'", what, tok);
}

static int copy_list(char *dst, const char *v, size_t vlen)
{
	size_t i;

	if (vlen >= FUZZ_LIST_MAX)
		return -1;
	for (i = 0; i < vlen; i++)
		dst[i] = v[i];
	dst[vlen] = '\0';
	return 0;
}

static int apply(const char *k, size_t klen, const char *v, size_t vlen,
		 struct fuzz_opts *o)
{
	uint64_t n;

	if (eq(k, klen, "mode")) {
		if (eq(v, vlen, "blocks"))
			o->mode = FUZZ_MODE_BLOCKS;
		else if (eq(v, vlen, "hypercalls"))
			o->mode = FUZZ_MODE_HYPERCALLS;
		else if (eq(v, vlen, "none"))
			o->mode = FUZZ_MODE_NONE;
		else
			return -1;
		return 0;
	}
	if (eq(k, klen, "cpl")) {
		if (eq(v, vlen, "0"))
			o->cpl = FUZZ_CPL_0;
		else if (eq(v, vlen, "3"))
			o->cpl = FUZZ_CPL_3;
		else if (eq(v, vlen, "mix"))
			o->cpl = FUZZ_CPL_MIX;
		else
			return -1;
		return 0;
	}
	if (eq(k, klen, "transport")) {
		if (eq(v, vlen, "vmmcall"))
			o->transport = FUZZ_TR_VMMCALL;
		else if (eq(v, vlen, "backdoor"))
			o->transport = FUZZ_TR_BACKDOOR;
		else if (eq(v, vlen, "mix"))
			o->transport = FUZZ_TR_MIX;
		else
			return -1;
		return 0;
	}
	if (eq(k, klen, "tmpl"))
		return copy_list(o->tmpl, v, vlen);
	if (eq(k, klen, "checks"))
		return copy_list(o->checks, v, vlen);
	if (eq(k, klen, "avoid"))
		return copy_list(o->avoid, v, vlen);
	if (eq(k, klen, "workload") || eq(k, klen, "iterations"))
		return 0;       /* the launcher's, meaningless here */
	if (parse_u64(v, vlen, &n))
		return -1;
	if (eq(k, klen, "seed"))
		o->seed = n;
	else if (eq(k, klen, "start"))
		o->start = n;
	else if (eq(k, klen, "blocks"))
		o->blocks = n;
	else if (eq(k, klen, "count"))
		o->count = n;
	else if (eq(k, klen, "progress"))
		o->progress = n;
	else if (eq(k, klen, "verbose") && n <= 1)
		o->verbose = (int)n;
	else
		return -1;
	return 0;
}

int fuzz_cmdline_parse(const char *line, size_t len, struct fuzz_opts *o,
		       char *why, size_t whylen)
{
	size_t i = 0;
	int first = 1;

	while (i < len && line[i]) {
		size_t w, eqpos = 0;

		while (i < len && line[i] == ' ')
			i++;
		if (i >= len || !line[i])
			break;
		for (w = i; w < len && line[w] && line[w] != ' '; w++)
			if (line[w] == '=' && !eqpos)
				eqpos = w;
		if (!eqpos) {
			if (!first) {
				say(why, whylen, "not key=value:", line + i, w - i);
				return -1;
			}
		} else if (apply(line + i, eqpos - i, line + eqpos + 1, w - eqpos - 1, o)) {
			say(why, whylen, "bad option", line + i, w - i);
			return -1;
		}
		first = 0;
		i = w;
	}
	return 0;
}

int fuzz_list_resolve(const char *list, const char *const *names, unsigned n,
		      uint64_t dflt, uint64_t *out, char *why, size_t whylen)
{
	uint64_t all = n >= 64 ? ~0ull : (1ull << n) - 1, set;
	const char *p = list;

	if (!*p) {
		*out = dflt;
		return 0;
	}
	set = (*p == '-' || *p == '+') ? dflt : 0;
	while (*p) {
		const char *e = p;
		char op = '+';
		unsigned i;

		if (*p == '-' || *p == '+')
			op = *p++;
		for (e = p; *e && *e != ','; e++)
			;
		if (eq(p, (size_t)(e - p), "all")) {
			set = op == '-' ? 0 : all;
		} else if (eq(p, (size_t)(e - p), "default")) {
			set = op == '-' ? set & ~dflt : set | dflt;
		} else {
			for (i = 0; i < n; i++)
				if (eq(p, (size_t)(e - p), names[i]))
					break;
			if (i == n) {
				say(why, whylen, "unknown name", p, (size_t)(e - p));
				return -1;
			}
			if (op == '-')
				set &= ~(1ull << i);
			else
				set |= 1ull << i;
		}
		p = *e ? e + 1 : e;
	}
	*out = set;
	return 0;
}
