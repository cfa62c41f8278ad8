/*
 * Trace region placement: the last 8 MiB of machine RAM below the
 * firmware's reserved top (TRACE_TOP_GAP), 4 KiB aligned (RAM sizes are
 * whole MiB, so the region always is). Refused above
 * TRACE_MEM_MAX_MIB, where QEMU's pc machine splits RAM around the PCI hole
 * and the region would no longer sit at its own file offset.
 */
#include "trace_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace_layout.h"

int trace_args_place(unsigned mem_mib, struct trace_region *r)
{
	uint64_t top = (uint64_t)mem_mib << 20;

	if (mem_mib > TRACE_MEM_MAX_MIB || top < 2 * TRACE_REGION_BYTES + TRACE_TOP_GAP)
		return -1;
	r->bytes = TRACE_REGION_BYTES;
	r->phys = (top - TRACE_TOP_GAP - TRACE_REGION_BYTES) & ~(TRACE_REGION_ALIGN - 1);
	return 0;
}

int trace_args_format(const struct trace_region *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "trace=0x%llx:0x%llx", (unsigned long long)r->phys,
			 (unsigned long long)r->bytes);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int trace_args_hex(const char *s, const char **end, uint64_t *v)
{
	uint64_t x = 0;
	int digits = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	for (s += 2; ; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (x >> 60)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	if (!digits)
		return -1;
	*end = s;
	*v = x;
	return 0;
}

int trace_args_parse(const char *arg, struct trace_region *r)
{
	const char *s;

	if (strncmp(arg, "trace=", 6))
		return -1;
	if (trace_args_hex(arg + 6, &s, &r->phys) || *s != ':' ||
	    trace_args_hex(s + 1, &s, &r->bytes) || *s)
		return -1;
	return 0;
}
