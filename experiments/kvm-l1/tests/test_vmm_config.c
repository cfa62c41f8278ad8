/*
 * Unit tests of the VMM's kernel command-line parser
 * (experiments/kvm-l1/vmm_config.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <nestlab/bootargs.h>
#include "vmm_config.h"

static struct vmm_config cfg;
static char err[256];

Test(vmm_config, launcher_command_line)
{
	const char *line = "console=ttyS0 quiet panic=-1 nestlab.l2=\"l2kernel.bin "
			   "workload=cpuid iterations=1000 transport=backdoor l1=kvm\" "
			   "nestlab.l2mem=128\n";

	cr_assert(eq(int, vmm_config_parse(line, &cfg, err, sizeof(err)), 0), "%s", err);
	cr_assert(eq(str, cfg.l2_cmdline, "l2kernel.bin workload=cpuid iterations=1000 "
		     "transport=backdoor l1=kvm"));
	cr_assert(eq(u32, cfg.l2mem_mib, 128));
	cr_assert(eq(str, cfg.l2_image, VMM_L2_IMAGE_DEFAULT));
	cr_assert(eq(str, cfg.results, VMM_RESULTS_DEFAULT));
	cr_assert(eq(int, cfg.count, VMM_COUNT_HIST));
}

Test(vmm_config, every_key)
{
	cr_assert(eq(int, vmm_config_parse("nestlab.l2=workload=null nestlab.l2img=/x.bin "
					   "nestlab.count=vmm nestlab.results=/tmp/r "
					   "root=/dev/sda nestlab.l2mem=8", &cfg, err,
					   sizeof(err)), 0), "%s", err);
	cr_assert(eq(str, cfg.l2_cmdline, "workload=null"));
	cr_assert(eq(str, cfg.l2_image, "/x.bin"));
	cr_assert(eq(str, cfg.results, "/tmp/r"));
	cr_assert(eq(int, cfg.count, VMM_COUNT_VMM));
	cr_assert(eq(u32, cfg.l2mem_mib, 8));
}

Test(vmm_config, defaults_and_empty_l2_line)
{
	cr_assert(eq(int, vmm_config_parse("nestlab.l2=\"\"", &cfg, err, sizeof(err)), 0));
	cr_assert(eq(str, cfg.l2_cmdline, ""));
	cr_assert(eq(u32, cfg.l2mem_mib, NESTLAB_L2MEM_DEFAULT_MIB));
}

Test(vmm_config, errors)
{
	cr_assert(eq(int, vmm_config_parse("quiet", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "no nestlab.l2=\"...\" on the kernel command line: the "
		     "launcher passes the L2 command line there"));
	cr_assert(eq(int, vmm_config_parse("nestlab.l2=x nestlab.l2mem=4", &cfg, err,
					   sizeof(err)), -1));
	cr_assert(eq(str, err, "nestlab.l2mem '4': want MiB in 8..2048"));
	cr_assert(eq(int, vmm_config_parse("nestlab.l2=x nestlab.l2mem=64k", &cfg, err,
					   sizeof(err)), -1));
	cr_assert(eq(int, vmm_config_parse("nestlab.l2=x nestlab.count=perf", &cfg, err,
					   sizeof(err)), -1));
	cr_assert(eq(str, err, "nestlab.count 'perf': want hist or vmm"));
	cr_assert(eq(int, vmm_config_parse("nestlab.l2=x nestlab.colour=red", &cfg, err,
					   sizeof(err)), -1));
	cr_assert(eq(int, vmm_config_parse("nestlab.l2", &cfg, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "nestlab.l2 needs a value"));
	cr_assert(eq(int, vmm_config_parse("nestlab.l2=x nestlab.l2img=", &cfg, err,
					   sizeof(err)), -1));
}

Test(vmm_config, too_long_l2_line)
{
	static char line[VMM_L2_CMDLINE_MAX + 64];

	strcpy(line, "nestlab.l2=\"");
	memset(line + strlen(line), 'a', VMM_L2_CMDLINE_MAX);
	strcat(line, "\"");
	cr_assert(eq(int, vmm_config_parse(line, &cfg, err, sizeof(err)), -1));
}
