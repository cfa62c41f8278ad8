/*
 * Host-side tracing constants that are not part of the producers' contract
 * (include/nestlab/trace.h): where the launcher puts the trace region, how
 * often the collector polls, how the directory page is sized. Tracing-only;
 * nothing in L1 or L2 includes this header.
 */
#ifndef NESTLAB_TRACE_LAYOUT_H
#define NESTLAB_TRACE_LAYOUT_H

/*
 * The region: the last 8 MiB of RAM the firmware leaves usable. SeaBIOS
 * (QEMU's pc BIOS) keeps the top 128 KiB of RAM for its own tables and
 * marks it reserved in the e820 map, and L1 and the L2 kernel refuse a
 * region that is not available RAM; so the region ends TRACE_TOP_GAP below
 * the top of RAM (1 MiB: room for other firmware builds).
 */
#define TRACE_REGION_BYTES   (8ull << 20)
#define TRACE_TOP_GAP        (1ull << 20)
#define TRACE_REGION_ALIGN   4096ull
/* The directory page at the start of the region. */
#define TRACE_DIR_PAGE_BYTES 4096ull
/*
 * QEMU's pc machine keeps RAM below 4 GiB contiguous from 0 only while it
 * is smaller than 3.5 GiB; above that part of it moves over 4 GiB and the
 * guest-RAM file offset is no longer the physical address.
 */
#define TRACE_MEM_MAX_MIB    3583u
/* The directory's extent for overlap checks: its page, or the whole (tiny) region. */
#define TRACE_DIR_BYTES(region_bytes) \
	((region_bytes) < TRACE_DIR_PAGE_BYTES ? (region_bytes) : TRACE_DIR_PAGE_BYTES)
/* Ring alignment the collector needs for single-copy-atomic head/tail. */
#define TRACE_RING_ALIGN     8ull
/* Poll period of the collector while QEMU runs. */
#define TRACE_POLL_MS        5u

#endif
