/*
 * L1's window on L2: fault-safe copies from L2's virtual memory (walking
 * L2's page tables with the CPL of the access, guest_mem.c) and instruction
 * fetch at L2's RIP for RIP advance without nRIP. The bytes are read once into
 * L1's buffer and only that copy is examined.
 */
#include "l1.h"
#include "exits.h"
#include "insn_len.h"

static void current_paging(struct guest_paging *pg)
{
	const struct vmcb_save *s = &l1.vmcb->save;

	pg->cr0 = s->cr0;
	pg->cr3 = s->cr3;
	pg->cr4 = s->cr4;
	pg->efer = s->efer;
}

int guest_copy(uint64_t gva, void *dst, uint64_t len)
{
	struct guest_paging pg;
	unsigned acc = l1.vmcb->save.cpl == 3 ? GUEST_ACC_USER : 0;

	current_paging(&pg);
	return guest_copy_from_virt(&l1.gm, &pg, gva, dst, (size_t)len, acc, 0);
}

unsigned guest_insn_len(const uint8_t *opcode, unsigned oplen)
{
	const struct vmcb_save *s = &l1.vmcb->save;
	bool lm = svm_guest_long_mode(l1.vmcb);
	uint64_t rip = lm ? s->rip : (uint32_t)(s->cs.base + s->rip);
	unsigned acc = GUEST_ACC_EXEC | (s->cpl == 3 ? GUEST_ACC_USER : 0);
	uint8_t bytes[INSN_MAX_LEN];
	uint64_t to_page_end = 0x1000 - (rip & 0xFFF);
	size_t first = to_page_end < INSN_MAX_LEN ? (size_t)to_page_end : INSN_MAX_LEN;
	struct guest_paging pg;
	unsigned len;

	current_paging(&pg);
	if ((rip & 0xFFF) <= 0x1000 - 16) {
		/* Fast path: the 16 bytes at RIP lie in one page, so one
		 * translation (usually a walk-cache hit) and two 8-byte
		 * fault-safe loads read them. */
		uint64_t gpa, q[2];

		if (guest_translate(&l1.gm, &pg, rip, acc, &gpa) != 0 ||
		    l1.l2_ram_size - gpa < 16 ||
		    l1_read_u64_safe((const uint64_t *)(l1.l2_ram_hpa + gpa), &q[0]) ||
		    l1_read_u64_safe((const uint64_t *)(l1.l2_ram_hpa + gpa + 8), &q[1]))
			return 0;
		return insn_len_match((const uint8_t *)q, INSN_MAX_LEN, lm, opcode, oplen);
	}
	if (guest_copy_from_virt(&l1.gm, &pg, rip, bytes, first, acc, 0) != 0)
		return 0;
	len = insn_len_match(bytes, first, lm, opcode, oplen);
	if (len || first == INSN_MAX_LEN)
		return len;
	/* The instruction may continue on the next page. */
	if (guest_copy_from_virt(&l1.gm, &pg, rip + first, bytes + first,
				 INSN_MAX_LEN - first, acc, 0) != 0)
		return 0;
	return insn_len_match(bytes, INSN_MAX_LEN, lm, opcode, oplen);
}

void guest_advance_rip(unsigned len)
{
	struct vmcb_save *s = &l1.vmcb->save;

	s->rip += len;
	if (!svm_guest_long_mode(l1.vmcb))
		s->rip = (uint32_t)s->rip;
}
