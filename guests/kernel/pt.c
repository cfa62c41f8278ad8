/*
 * Page-table builder and walker of the L2 kernel (see pt.h).
 */
#include <stddef.h>
#include "pt.h"

/* Entry for va in the table at level, allocating the next table if needed
 * (when alloc is set). Returns a pointer to the entry at level `stop`, or NULL
 * with *err. */
static uint64_t *pt_descend(const struct pt_ops *o, uint64_t root, uint64_t va,
			    int stop, uint64_t table_flags, int alloc, int *err)
{
	uint64_t table = root;
	int level;

	for (level = 4; level > stop; level--) {
		uint64_t *e = o->phys_to_virt(o->ctx, table) + pt_index(va, level);

		if (!(*e & PTE_P)) {
			uint64_t n;

			if (!alloc) {
				*err = PT_E_NOTMAPPED;
				return NULL;
			}
			n = o->alloc(o->ctx);
			if (!n) {
				*err = PT_E_NOMEM;
				return NULL;
			}
			*e = n | PTE_P | PTE_W | table_flags;
		} else if (*e & PTE_PS) {
			*err = PT_E_EXISTS; /* a large page covers va already */
			return NULL;
		} else {
			*e |= table_flags;
		}
		table = *e & PTE_ADDR;
	}
	return o->phys_to_virt(o->ctx, table) + pt_index(va, stop);
}

int pt_map(const struct pt_ops *o, uint64_t root, uint64_t va, uint64_t pa,
	   uint64_t size, uint64_t flags)
{
	uint64_t *e;
	int err = 0, stop;

	if (size == PT_4K)
		stop = 1;
	else if (size == PT_2M)
		stop = 2;
	else
		return PT_E_SIZE;
	if (!pt_canonical(va))
		return PT_E_NONCANON;
	if ((va | pa) & (size - 1))
		return PT_E_ALIGN;
	e = pt_descend(o, root, va, stop, flags & PTE_U, 1, &err);
	if (!e)
		return err;
	if (*e & PTE_P)
		return PT_E_EXISTS;
	*e = pa | (flags & ~PTE_ADDR) | PTE_P | (size == PT_2M ? PTE_PS : 0);
	return 0;
}

int pt_prepare(const struct pt_ops *o, uint64_t root, uint64_t va, uint64_t len,
	       uint64_t flags)
{
	uint64_t a, end = va + len;
	int err = 0;

	if ((va | len) & (PT_4K - 1))
		return PT_E_ALIGN;
	if (end < va || !pt_canonical(va) || (len && !pt_canonical(end - 1)))
		return PT_E_NONCANON;
	/* One PT covers 2 MiB: touch the first page of each 2 MiB step. */
	for (a = va; a < end; a = (a & ~(PT_2M - 1)) + PT_2M)
		if (!pt_descend(o, root, a, 1, flags & PTE_U, 1, &err))
			return err;
	return 0;
}

int pt_walk(const struct pt_ops *o, uint64_t root, uint64_t va, uint64_t *pa,
	    uint64_t *flags)
{
	uint64_t table = root, rights = PTE_U | PTE_W;
	int level;

	if (!pt_canonical(va))
		return PT_E_NONCANON;
	for (level = 4; level >= 1; level--) {
		uint64_t e = o->phys_to_virt(o->ctx, table)[pt_index(va, level)];

		if (!(e & PTE_P))
			return PT_E_NOTMAPPED;
		rights &= e;
		if (level == 1 || (level <= 3 && (e & PTE_PS))) {
			uint64_t size = 1ull << X86_PT_SHIFT(level);

			*pa = ((e & PTE_ADDR) & ~(size - 1)) | (va & (size - 1));
			*flags = (e & ~(PTE_ADDR | PTE_U | PTE_W)) | rights;
			return 0;
		}
		table = e & PTE_ADDR;
	}
	return PT_E_NOTMAPPED; /* not reached */
}

const char *pt_strerror(int rc)
{
	switch (rc) {
	case PT_E_NOMEM: return "PT_E_NOMEM (alloc returned 0)";
	case PT_E_EXISTS: return "PT_E_EXISTS (something is already mapped there)";
	case PT_E_ALIGN: return "PT_E_ALIGN (va or pa not aligned to the page size)";
	case PT_E_NONCANON: return "PT_E_NONCANON (va not canonical (48-bit))";
	case PT_E_NOTMAPPED: return "PT_E_NOTMAPPED (nothing is mapped there)";
	case PT_E_SIZE: return "PT_E_SIZE (page size neither 4 KiB nor 2 MiB)";
	}
	return "unknown error";
}
