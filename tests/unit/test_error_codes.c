/* The pure modules' error codes: every one is a distinct negative value
 * across all modules (docs/l1-design.md lists the ranges), and each
 * module's name function names every one of its codes (no "unknown"). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "../../l1hyp/core/guest_mem.h"
#include "../../l1hyp/core/guest_insn.h"
#include "../../l1hyp/core/msr_table.h"
#include "../../l1hyp/core/exit_table.h"
#include "../../l1hyp/core/exit_stats.h"
#include "../../l1hyp/mm/npt.h"
#include "../../l1hyp/boot/mb_loader.h"
#include "../../guests/kernel/pt.h"
#include "../../guests/kernel/kmod_load.h"
#include "../../l1hyp/core/io_bus.h"
#include "../../l1hyp/core/mmio_bus.h"
#include "../../lib/tramp/tramp.h"
#include "../../l1hyp/devices/lapic.h"

struct code {
	int rc;
	const char *(*name)(int);
	const char *prefix;
};

#define C(rc, fn, pre) { rc, fn, pre }
static const struct code codes[] = {
	C(GUEST_MEM_E_NOTMAPPED, guest_mem_strerror, ""), C(GUEST_MEM_E_PERM, guest_mem_strerror, ""),
	C(GUEST_MEM_E_RSVD, guest_mem_strerror, ""), C(GUEST_MEM_E_NONCANON, guest_mem_strerror, ""),
	C(GUEST_MEM_E_OUTSIDE, guest_mem_strerror, ""), C(GUEST_MEM_E_READ, guest_mem_strerror, ""),
	C(GUEST_MEM_E_MODE, guest_mem_strerror, ""), C(GUEST_MEM_E_RANGE, guest_mem_strerror, ""),
	C(GUEST_MEM_E_WRITE, guest_mem_strerror, ""), C(GUEST_MEM_E_NOCB, guest_mem_strerror, ""),
	C(GUEST_MEM_E_RETRY, guest_mem_strerror, ""),
	C(GUEST_INSN_E_FETCH, guest_insn_strerror, ""), C(GUEST_INSN_E_MODE, guest_insn_strerror, ""),
	C(GUEST_INSN_E_DECODE, guest_insn_strerror, ""), C(GUEST_INSN_E_MISMATCH, guest_insn_strerror, ""),
	C(GUEST_INSN_E_INVALID, guest_insn_strerror, ""), C(GUEST_INSN_E_TOO_LONG, guest_insn_strerror, ""),
	C(MSR_TABLE_E_FULL, msr_table_strerror, "MSR_TABLE_E_FULL"),
	C(MSR_TABLE_E_INVAL, msr_table_strerror, "MSR_TABLE_E_INVAL"),
	C(EXIT_TABLE_E_REASON, exit_table_strerror, "EXIT_TABLE_E_REASON"),
	C(EXIT_TABLE_E_FULL, exit_table_strerror, "EXIT_TABLE_E_FULL"),
	C(EXIT_TABLE_E_FROZEN, exit_table_strerror, "EXIT_TABLE_E_FROZEN"),
	C(EXIT_STATS_E_FULL, exit_stats_strerror, "EXIT_STATS_E_FULL"),
	C(EXIT_STATS_E_NAME, exit_stats_strerror, "EXIT_STATS_E_NAME"),
	C(EXIT_STATS_E_STATE, exit_stats_strerror, "EXIT_STATS_E_STATE"),
	C(EXIT_STATS_E_INDEX, exit_stats_strerror, "EXIT_STATS_E_INDEX"),
	C(NPT_E_NOMEM, npt_strerror, "NPT_E_NOMEM"), C(NPT_E_ALIGN, npt_strerror, "NPT_E_ALIGN"),
	C(NPT_E_RANGE, npt_strerror, "NPT_E_RANGE"), C(NPT_E_EXISTS, npt_strerror, "NPT_E_EXISTS"),
	C(NPT_E_NOTMAPPED, npt_strerror, "NPT_E_NOTMAPPED"), C(NPT_E_PERM, npt_strerror, "NPT_E_PERM"),
	C(MB_E_NOHEADER, mb_strerror, "MB_E_NOHEADER"), C(MB_E_CHECKSUM, mb_strerror, "MB_E_CHECKSUM"),
	C(MB_E_NOKLUDGE, mb_strerror, "MB_E_NOKLUDGE"), C(MB_E_LAYOUT, mb_strerror, "MB_E_LAYOUT"),
	C(MB_E_NOSPACE, mb_strerror, "MB_E_NOSPACE"), C(MB_E_FLAGS, mb_strerror, "MB_E_FLAGS"),
	C(MB_E_TRUNC, mb_strerror, "MB_E_TRUNC"), C(MB_E_RANGE, mb_strerror, "MB_E_RANGE"),
	C(MB_E_WRAP, mb_strerror, "MB_E_WRAP"), C(MB_E_ENTRY, mb_strerror, "MB_E_ENTRY"),
	C(MB_E_ELF, mb_strerror, "MB_E_ELF"), C(MB_E_NOLOAD, mb_strerror, "MB_E_NOLOAD"),
	C(MB_E_TOOMANY, mb_strerror, "MB_E_TOOMANY"), C(MB_E_OVERLAP, mb_strerror, "MB_E_OVERLAP"),
	C(MB_E_MEMSZ, mb_strerror, "MB_E_MEMSZ"), C(MB_E_EMPTY, mb_strerror, "MB_E_EMPTY"),
	C(MB_E_BIGBSS, mb_strerror, "MB_E_BIGBSS"),
	C(PT_E_NOMEM, pt_strerror, "PT_E_NOMEM"), C(PT_E_EXISTS, pt_strerror, "PT_E_EXISTS"),
	C(PT_E_ALIGN, pt_strerror, "PT_E_ALIGN"), C(PT_E_NONCANON, pt_strerror, "PT_E_NONCANON"),
	C(PT_E_NOTMAPPED, pt_strerror, "PT_E_NOTMAPPED"), C(PT_E_SIZE, pt_strerror, "PT_E_SIZE"),
	C(KMOD_E_TRUNC, kmod_strerror, "KMOD_E_TRUNC"), C(KMOD_E_ELF, kmod_strerror, "KMOD_E_ELF"),
	C(KMOD_E_SECTION, kmod_strerror, "KMOD_E_SECTION"),
	C(KMOD_E_OVERLAP, kmod_strerror, "KMOD_E_OVERLAP"), C(KMOD_E_SIZE, kmod_strerror, "KMOD_E_SIZE"),
	C(KMOD_E_HEADER, kmod_strerror, "KMOD_E_HEADER"), C(KMOD_E_SYMBOL, kmod_strerror, "KMOD_E_SYMBOL"),
	C(KMOD_E_UNDEF, kmod_strerror, "KMOD_E_UNDEF"), C(KMOD_E_RELOC, kmod_strerror, "KMOD_E_RELOC"),
	C(KMOD_E_RELTYPE, kmod_strerror, "KMOD_E_RELTYPE"),
	C(KMOD_E_OVERFLOW, kmod_strerror, "KMOD_E_OVERFLOW"),
	C(KMOD_E_NOINIT, kmod_strerror, "KMOD_E_NOINIT"), C(KMOD_E_NOMEM, kmod_strerror, "KMOD_E_NOMEM"),
	C(IO_BUS_E_OVERLAP, io_bus_strerror, "IO_BUS_E_OVERLAP"),
	C(IO_BUS_E_FULL, io_bus_strerror, "IO_BUS_E_FULL"),
	C(IO_BUS_E_RANGE, io_bus_strerror, "IO_BUS_E_RANGE"),
	C(MMIO_BUS_E_FULL, mmio_bus_strerror, "MMIO_BUS_E_FULL"),
	C(MMIO_BUS_E_RANGE, mmio_bus_strerror, "MMIO_BUS_E_RANGE"),
	C(TRAMP_E_INVAL, tramp_strerror, "TRAMP_E_INVAL"),
	C(TRAMP_E_SPACE, tramp_strerror, "TRAMP_E_SPACE"),
	C(TRAMP_E_RANGE, tramp_strerror, "TRAMP_E_RANGE"),
	C(LAPIC_E_GP, lapic_strerror, ""), C(LAPIC_E_NOT_DECODED, lapic_strerror, ""),
	C(LAPIC_E_RANGE, lapic_strerror, ""), C(LAPIC_E_NOT_MINE, lapic_strerror, ""),
	C(LAPIC_E_INVAL, lapic_strerror, ""),
};
#define NR (sizeof(codes) / sizeof(codes[0]))

Test(error_codes, distinct_and_negative)
{
	for (unsigned i = 0; i < NR; i++) {
		cr_assert(lt(int, codes[i].rc, 0));
		for (unsigned j = i + 1; j < NR; j++)
			cr_assert(ne(int, codes[i].rc, codes[j].rc), "codes %u and %u", i, j);
	}
}

Test(error_codes, every_code_has_its_name)
{
	for (unsigned i = 0; i < NR; i++) {
		const char *n = codes[i].name(codes[i].rc);

		cr_assert(ne(str, (char *)n, "unknown error"), "code %d", codes[i].rc);
		cr_assert(eq(int, strncmp(n, codes[i].prefix, strlen(codes[i].prefix)), 0),
			  "%d is named '%s'", codes[i].rc, n);
		/* ... and no other module's function claims it. */
		for (unsigned j = 0; j < NR; j++)
			if (codes[j].name != codes[i].name)
				cr_assert(eq(str, (char *)codes[j].name(codes[i].rc),
					     "unknown error"), "%d named by two modules", codes[i].rc);
	}
}
