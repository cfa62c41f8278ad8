/* The trace=<addr>:<bytes> argument (trace_region.h). */
#include "trace_region.h"

/* One hexadecimal number (optional 0x), at most 16 digits. */
static int parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 16)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;

		if (d == 16)
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

int trace_region_parse(const char *s, size_t len, uint64_t *pa, uint64_t *bytes)
{
	size_t colon = 0;

	while (colon < len && s[colon] != ':')
		colon++;
	if (colon == len || parse_hex(s, colon, pa) ||
	    parse_hex(s + colon + 1, len - colon - 1, bytes))
		return -1;
	if ((*pa | *bytes) & 0xFFF || *bytes < TRACE_REGION_MIN_BYTES || *pa + *bytes < *pa)
		return -1;
	return 0;
}
