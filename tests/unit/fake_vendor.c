/* The fake vendor backend (fake_vendor.h). */
#include "fake_vendor.h"
#include "../../l1hyp/core/guest_mem.h"
#include "../../lib/freestanding/x86_regs.h"
#include <string.h>

static struct fake_vendor *fv(const struct vcpu *v)
{
	return v->vendor;
}

void fake_vcpu_init(struct vcpu *v, struct fake_vendor *f)
{
	memset(v, 0, sizeof(*v));
	memset(f, 0, sizeof(*f));
	f->long_mode = true;
	f->injected_vector = -1;
	f->soft_vector = -1;
	f->seg[VCPU_SEG_CS].long_mode = true;
	v->vendor = f;
	v->exit.long_mode = true;
}

void fake_hold_msr(struct fake_vendor *f, uint32_t msr, uint64_t val)
{
	f->msr_index[f->nr_msrs] = msr;
	f->msr_val[f->nr_msrs++] = val;
}

bool fake_msr_intercept(const struct fake_vendor *f, uint32_t msr, bool *read, bool *write)
{
	for (unsigned i = f->nr_msr_icpt; i-- > 0;) {
		if (f->msr_icpt[i].msr == msr) {
			*read = f->msr_icpt[i].read;
			*write = f->msr_icpt[i].write;
			return true;
		}
	}
	return false;
}

int vendor_probe(struct vendor_caps *caps, char *why, size_t whylen) { return -1; }
int vendor_enable(const struct vendor_caps *caps) { return -1; }
int vendor_vcpu_create(struct vcpu *v, const struct vcpu_boot_state *boot) { return -1; }
void vendor_vcpu_run(struct vcpu *v) { }

unsigned vendor_cpl(const struct vcpu *v) { return fv(v)->cpl; }

uint64_t vendor_read_cr(const struct vcpu *v, unsigned cr)
{
	switch (cr) {
	case 0: return fv(v)->cr0;
	case 2: return fv(v)->cr2;
	case 3: return fv(v)->cr3;
	case 4: return fv(v)->cr4;
	}
	return 0;
}

void vendor_write_cr(struct vcpu *v, unsigned cr, uint64_t val)
{
	switch (cr) {
	case 0: fv(v)->cr0 = val; break;
	case 2: fv(v)->cr2 = val; break;
	case 3: fv(v)->cr3 = val; break;
	case 4: fv(v)->cr4 = val; break;
	}
}

uint64_t vendor_efer(const struct vcpu *v) { return fv(v)->efer; }
void vendor_set_efer(struct vcpu *v, uint64_t efer) { fv(v)->efer = efer; }

void vendor_paging(const struct vcpu *v, struct guest_paging *pg)
{
	pg->cr0 = fv(v)->cr0;
	pg->cr3 = fv(v)->cr3;
	pg->cr4 = fv(v)->cr4;
	pg->efer = fv(v)->efer;
	pg->rflags = v->regs.rflags;
	pg->pkru = 0;
}

void vendor_segment(const struct vcpu *v, enum vcpu_seg seg, struct vcpu_segment *out)
{
	*out = fv(v)->seg[seg];
}

void vendor_set_segment(struct vcpu *v, enum vcpu_seg seg, const struct vcpu_segment *in)
{
	fv(v)->seg[seg] = *in;
	fv(v)->seg[seg].long_mode = in->attr & VCPU_SEG_ATTR_L;
	fv(v)->seg[seg].big = in->attr & VCPU_SEG_ATTR_DB;
}

bool vendor_long_mode(const struct vcpu *v) { return fv(v)->long_mode; }

int vendor_get_guest_msr(const struct vcpu *v, uint32_t msr, uint64_t *val)
{
	const struct fake_vendor *f = fv(v);

	if (msr == MSR_EFER) {
		*val = f->efer;
		return 0;
	}
	for (unsigned i = 0; i < f->nr_msrs; i++)
		if (f->msr_index[i] == msr) {
			*val = f->msr_val[i];
			return 0;
		}
	return -1;
}

int vendor_set_guest_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct fake_vendor *f = fv(v);

	if (msr == MSR_EFER) {
		f->efer = val;
		return 0;
	}
	for (unsigned i = 0; i < f->nr_msrs; i++)
		if (f->msr_index[i] == msr) {
			f->msr_val[i] = val;
			return 0;
		}
	return -1;
}

void vendor_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			     uint32_t error, uint64_t cr2)
{
	struct fake_vendor *f = fv(v);

	f->injected_vector = (int)vector;
	f->injected_has_error = has_error;
	f->injected_error = error;
	f->injected_cr2 = cr2;
	f->nr_injections++;
}

void vendor_inject_soft_event(struct vcpu *v, unsigned vector, unsigned len, bool intn)
{
	struct fake_vendor *f = fv(v);

	f->soft_vector = (int)vector;
	f->soft_len = len;
	f->soft_intn = intn;
	f->nr_soft++;
	v->regs.rip += len;
}

void vendor_inject_debug_trap(struct vcpu *v, uint64_t dr6_bits)
{
	fv(v)->dr6 |= dr6_bits;
	vendor_inject_exception(v, 1, false, 0, 0);
}

void vendor_set_intercept(struct vcpu *v, enum vcpu_intercept what, bool on)
{
	fv(v)->intercept[what] = on;
}

void vendor_set_msr_intercept(struct vcpu *v, uint32_t msr, bool read, bool write)
{
	struct fake_vendor *f = fv(v);

	if (f->nr_msr_icpt < FAKE_MSR_MAX) {
		f->msr_icpt[f->nr_msr_icpt].msr = msr;
		f->msr_icpt[f->nr_msr_icpt].read = read;
		f->msr_icpt[f->nr_msr_icpt++].write = write;
	}
}

void vendor_switch_view(struct vcpu *v, unsigned index)
{
	fv(v)->switched_view = index;
	v->active_view = index;
}

void vendor_flush_tlb(struct vcpu *v, enum vcpu_flush scope)
{
	fv(v)->nr_flushes++;
	fv(v)->last_flush = scope;
}

void vendor_dump_state(const struct vcpu *v)
{
	((struct fake_vendor *)v->vendor)->nr_dumps++;
}
