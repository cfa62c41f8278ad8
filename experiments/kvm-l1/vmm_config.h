/*
 * The VMM's configuration, read from the L1 Linux kernel's command line
 * (/proc/cmdline), where the launcher puts it with QEMU -append. Keys with
 * a dot are module parameters to Linux, which ignores the unknown ones, so
 * "nestlab.*" passes through the kernel untouched:
 *
 *   nestlab.l2="<L2 kernel command line>"   required; double quotes as Linux
 *                                            takes them (spaces inside)
 *   nestlab.l2img=<path>     the L2 image (default VMM_L2_IMAGE_DEFAULT)
 *   nestlab.l2mem=<MiB>      L2 RAM (default 64, NESTLAB_L2MEM_MIN_MIB..2048)
 *   nestlab.count=hist|vmm   hist (default): exits from the kvm_exit
 *                            histogram; vmm: only the exits that reach the
 *                            VMM (no tracing: the cost of counting, measured)
 *   nestlab.results=<path>   results stream (default /dev/ttyS1, COM2)
 *
 * Any other "nestlab." key is an error. Pure C, host-tested.
 */
#ifndef KVM_L1_VMM_CONFIG_H
#define KVM_L1_VMM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define VMM_L2_IMAGE_DEFAULT  "/nestlab/l2kernel.bin"
#define VMM_RESULTS_DEFAULT   "/dev/ttyS1"
#define VMM_L2MEM_MAX_MIB     2048u
#define VMM_PATH_MAX          256
#define VMM_L2_CMDLINE_MAX    1024

enum vmm_count_mode {
	VMM_COUNT_HIST = 0,    /* tracefs hist trigger on kvm:kvm_exit */
	VMM_COUNT_VMM,         /* exits that reach the VMM only */
};

struct vmm_config {
	char l2_cmdline[VMM_L2_CMDLINE_MAX];
	bool l2_cmdline_given;
	char l2_image[VMM_PATH_MAX];
	char results[VMM_PATH_MAX];
	unsigned l2mem_mib;
	enum vmm_count_mode count;
};

/* Parses a kernel command line into cfg (defaults first). 0, or -1 with
 * the reason in err. */
int vmm_config_parse(const char *cmdline, struct vmm_config *cfg, char *err,
		     size_t errlen);

#endif
