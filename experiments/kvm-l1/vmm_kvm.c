/*
 * KVM ioctls of the VMM (see vmm_kvm.h). Each step names what failed and,
 * where there is one, the fix.
 */
#include "vmm_kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vmm_cpuid.h"

#define VMM_CPUID_MAX 256

static int kvm_ioctl(int fd, unsigned long req, void *arg)
{
	int rc;

	do
		rc = ioctl(fd, req, arg);
	while (rc < 0 && errno == EINTR);
	return rc;
}

static int setup_cpuid(struct vmm_kvm *k, char *err, size_t errlen)
{
	size_t sz = sizeof(struct kvm_cpuid2) + VMM_CPUID_MAX * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *c = calloc(1, sz);
	unsigned n;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* KVM API doc 4.46: nent in, entries out (E2BIG if too few). */
	c->nent = VMM_CPUID_MAX - 2;
	if (kvm_ioctl(k->kvm, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		snprintf(err, errlen, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		free(c);
		return -1;
	}
	n = c->nent;
	if (vmm_cpuid_filter(c->entries, &n, VMM_CPUID_MAX, &k->maxphyaddr)) {
		snprintf(err, errlen, "L2's CPUID table has more than %d entries",
			 VMM_CPUID_MAX);
		free(c);
		return -1;
	}
	c->nent = n;
	if (kvm_ioctl(k->vcpu, KVM_SET_CPUID2, c) < 0) {
		snprintf(err, errlen, "KVM_SET_CPUID2: %s", strerror(errno));
		free(c);
		return -1;
	}
	free(c);
	return 0;
}

int vmm_kvm_create(struct vmm_kvm *k, uint64_t ram_size, char *err, size_t errlen)
{
	struct kvm_userspace_memory_region mr;
	int sync, mmap_size;

	memset(k, 0, sizeof(*k));
	k->kvm = k->vm = k->vcpu = -1;
	k->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->kvm < 0) {
		snprintf(err, errlen, "/dev/kvm: %s (kvm and kvm-amd loaded? the L1 Linux "
			 "needs -cpu ...,+svm,+npt)", strerror(errno));
		return -1;
	}
	if (ioctl(k->kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		snprintf(err, errlen, "KVM API version is not %d", KVM_API_VERSION);
		return -1;
	}
	sync = ioctl(k->kvm, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
	if (sync < 0 || (sync & (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) !=
			(KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) {
		snprintf(err, errlen, "KVM lacks KVM_CAP_SYNC_REGS for regs and sregs "
			 "(Linux 4.16 or later needed)");
		return -1;
	}
	do
		k->vm = ioctl(k->kvm, KVM_CREATE_VM, 0);
	while (k->vm < 0 && errno == EINTR);
	if (k->vm < 0) {
		snprintf(err, errlen, "KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	k->ram_size = ram_size;
	k->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (k->ram == MAP_FAILED) {
		k->ram = NULL;
		snprintf(err, errlen, "cannot map %llu MiB of L2 RAM: %s (give the L1 "
			 "Linux more memory, --mem)", (unsigned long long)(ram_size >> 20),
			 strerror(errno));
		return -1;
	}
	/* KVM API doc 4.35: slot 0, guest-physical [0, ram_size). */
	mr = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = ram_size,
		.userspace_addr = (uint64_t)(uintptr_t)k->ram,
	};
	if (kvm_ioctl(k->vm, KVM_SET_USER_MEMORY_REGION, &mr) < 0) {
		snprintf(err, errlen, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	do
		k->vcpu = ioctl(k->vm, KVM_CREATE_VCPU, 0);
	while (k->vcpu < 0 && errno == EINTR);
	if (k->vcpu < 0) {
		snprintf(err, errlen, "KVM_CREATE_VCPU: %s", strerror(errno));
		return -1;
	}
	mmap_size = ioctl(k->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(struct kvm_run)) {
		snprintf(err, errlen, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -1;
	}
	k->run_size = (size_t)mmap_size;
	k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu, 0);
	if (k->run == MAP_FAILED) {
		k->run = NULL;
		snprintf(err, errlen, "mmap of the vCPU's kvm_run: %s", strerror(errno));
		return -1;
	}
	return setup_cpuid(k, err, errlen);
}

static void flat_seg(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xFFFFFFFFu, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
}

int vmm_kvm_boot_state(struct vmm_kvm *k, const struct vmm_boot *b, char *err,
		       size_t errlen)
{
	struct kvm_sregs sr;
	struct kvm_regs r;

	/* Read first: KVM_SET_SREGS also writes APIC_BASE and the interrupt
	 * bitmap, which keep KVM's values. */
	if (kvm_ioctl(k->vcpu, KVM_GET_SREGS, &sr) < 0) {
		snprintf(err, errlen, "KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	/* Multiboot 3.2: CS a 32-bit read/execute segment with base 0 and limit
	 * 4 GiB, DS/ES/FS/GS/SS read/write likewise; CR0.PE=1, PG=0; the
	 * descriptors come from the GDT the loader placed at gdt_base. */
	flat_seg(&sr.cs, VMM_GDT_CS, 0xB);
	flat_seg(&sr.ds, VMM_GDT_DS, 0x3);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.tr = (struct kvm_segment){ .limit = 0xFFFF, .type = 0xB, .present = 1 };
	sr.ldt = (struct kvm_segment){ .limit = 0xFFFF, .type = 0x2, .present = 1 };
	sr.gdt.base = b->gdt_base;
	sr.gdt.limit = b->gdt_limit;
	sr.idt.base = 0;
	sr.idt.limit = 0;
	sr.cr0 = 0x11;            /* PE | ET */
	sr.cr2 = sr.cr3 = sr.cr4 = 0;
	sr.efer = 0;
	if (kvm_ioctl(k->vcpu, KVM_SET_SREGS, &sr) < 0) {
		snprintf(err, errlen, "KVM_SET_SREGS: %s", strerror(errno));
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.rip = b->entry;
	r.rax = b->eax;
	r.rbx = b->ebx;
	r.rflags = 0x2;           /* bit 1 reads as one; IF=0 */
	if (kvm_ioctl(k->vcpu, KVM_SET_REGS, &r) < 0) {
		snprintf(err, errlen, "KVM_SET_REGS: %s", strerror(errno));
		return -1;
	}
	/* From now on KVM copies the registers into kvm_run at every exit. */
	k->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	return 0;
}
