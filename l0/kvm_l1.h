/*
 * The launcher's side of `nestlab run --l1 kvm` (docs/kvm-l1.md): L1 is
 * Debian's Linux with KVM and nestlab's VMM (experiments/kvm-l1/), booted
 * by QEMU from build/kvm-l1/vmlinuz and an initramfs made per run: the
 * cached build/kvm-l1/initramfs.cpio followed by a small newc archive
 * holding the L2 kernel as /nestlab/l2kernel.bin (Linux unpacks
 * concatenated archives in order: Documentation/driver-api/early-userspace/
 * buffer-format.rst). The L2 command line travels on Linux's command line
 * as nestlab.l2="..." (experiments/kvm-l1/vmm_config.h).
 */
#ifndef L0_KVM_L1_H
#define L0_KVM_L1_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "qemu_cmdline.h"

#define KVM_L1_KERNEL_REL   "kvm-l1/vmlinuz"   /* beside the nestlab binary */
#define KVM_L1_BASE_INITRD  "initramfs.cpio"   /* beside the kernel */
#define KVM_L1_RUN_INITRD   "kvm-initrd.cpio"  /* in the run directory */
#define KVM_L1_L2_PATH      "nestlab/l2kernel.bin"
#define KVM_L1_APPEND_ENV   "NESTLAB_KVM_L1_APPEND"

/* The L1 kernel: `given` (--l1-image) or the default beside the binary, and
 * its initramfs beside it. Both readable, else an error naming
 * `make kvm-l1`. 0, or -1 with err. *kernel and *base are malloc'd. */
int kvm_l1_images(const char *given, char **kernel, char **base, char *err, size_t errlen);

/* Writes rundir/KVM_L1_RUN_INITRD: base, then the archive with l2_image.
 * Returns its path (malloc'd), or NULL with err. */
char *kvm_l1_make_initrd(const char *base, const char *l2_image, const char *rundir,
			 char *err, size_t errlen);

/* One newc archive (cpio -H newc) with the directory "nestlab" and the
 * file KVM_L1_L2_PATH = data[0..size), then the trailer. 0, or -1. */
int kvm_l1_cpio_write(FILE *f, const void *data, size_t size);

/* -kernel, -append and -initrd of a --l1 kvm run. 0, or -1 on ENOMEM. */
int kvm_l1_qemu_boot(const struct qemu_params *p, struct qemu_argv *out);

#endif
