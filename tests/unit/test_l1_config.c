/* L1 command-line parsing: defaults, each key, the image path QEMU puts
 * first, and every rejection with its message. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>
#include "../../l1hyp/core/l1_config.h"
#include <nestlab/bootargs.h>

Test(l1_config, defaults)
{
	struct l1_config c;
	char err[128];

	cr_assert(eq(int, l1_config_parse(NULL, &c, err, sizeof(err)), 0));
	cr_assert(eq(u64, c.l2mem_mib, NESTLAB_L2MEM_DEFAULT_MIB));
	cr_assert(eq(int, c.npt_lazy, 0));
	cr_assert(eq(int, l1_config_parse("build/l1hyp/l1hyp.bin", &c, err, sizeof(err)), 0));
}

Test(l1_config, keys_and_leading_path)
{
	struct l1_config c;
	char err[128];

	cr_assert(eq(int, l1_config_parse("/x/l1hyp.bin  l2mem=32\tnpt=lazy", &c, err,
					   sizeof(err)), 0));
	cr_assert(eq(u64, c.l2mem_mib, 32));
	cr_assert(eq(int, c.npt_lazy, 1));
	cr_assert(eq(int, l1_config_parse("npt=eager", &c, err, sizeof(err)), 0));
	cr_assert(eq(int, c.npt_lazy, 0));
}

Test(l1_config, rejections)
{
	struct l1_config c;
	char err[128];

	cr_assert(eq(int, l1_config_parse("l2mem=7", &c, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "l2mem must be an even number of MiB in [8, 3072]: 7"));
	cr_assert(eq(int, l1_config_parse("l2mem=33", &c, err, sizeof(err)), -1));
	cr_assert(eq(int, l1_config_parse("l2mem=4096", &c, err, sizeof(err)), -1));
	cr_assert(eq(int, l1_config_parse("l2mem=1x", &c, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "bad l2mem value: 1x"));
	cr_assert(eq(int, l1_config_parse("npt=maybe", &c, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "npt must be eager or lazy, got: maybe"));
	cr_assert(eq(int, l1_config_parse("npt=lazy bogus=1", &c, err, sizeof(err)), 0));
	cr_assert(eq(int, l1_config_check_taken(&c, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "unknown option: bogus=1"));
	cr_assert(eq(int, l1_config_parse("npt=lazy word", &c, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "expected key=value, got: word"));
}

Test(l1_config, mechanism_options)
{
	struct l1_config c;
	char err[128];
	const char *val;
	size_t vlen;

	cr_assert(eq(int, l1_config_parse("npt=lazy mbec=on batch=off", &c, err,
					   sizeof(err)), 0));
	cr_assert(eq(u32, c.nr_opts, 2));
	cr_assert(eq(int, l1_config_take(&c, "mbec", &val, &vlen), 1));
	cr_assert(eq(u64, vlen, 2));
	cr_assert(eq(int, strncmp(val, "on", 2), 0));
	cr_assert(eq(int, l1_config_take(&c, "mbe", &val, &vlen), 0));
	cr_assert(eq(int, l1_config_take(&c, "batching", &val, &vlen), 0));
	cr_assert(eq(int, l1_config_check_taken(&c, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "unknown option: batch=off"));
	cr_assert(eq(int, l1_config_take(&c, "batch", &val, &vlen), 1));
	cr_assert(eq(int, l1_config_check_taken(&c, err, sizeof(err)), 0));
}

Test(l1_config, too_many_options)
{
	struct l1_config c;
	char err[128], line[512] = "";

	for (int i = 0; i < L1_CONFIG_MAX_OPTIONS + 1; i++)
		sprintf(line + strlen(line), "k%d=v ", i);
	cr_assert(eq(int, l1_config_parse(line, &c, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "too many options at: k16=v"));
}

Test(l1_config, trace_region)
{
	struct l1_config c;
	char err[160];

	cr_assert(eq(int, l1_config_parse("npt=eager", &c, err, sizeof(err)), 0));
	cr_assert(eq(u64, c.trace_bytes, 0));
	cr_assert(eq(int, l1_config_parse("trace=0xf800000:0x800000", &c, err, sizeof(err)), 0));
	cr_assert(eq(u64, c.trace_pa, 0xf800000));
	cr_assert(eq(u64, c.trace_bytes, 0x800000));
	cr_assert(eq(int, l1_config_parse("trace=F800000:2000", &c, err, sizeof(err)), 0));
	cr_assert(eq(u64, c.trace_bytes, 0x2000));
	cr_assert(eq(int, l1_config_parse("trace=0xf800010:0x800000", &c, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "trace must be <hex address>:<hex bytes>, 4 KiB aligned, "
		     "at least 8 KiB: 0xf800010:0x800000"));
	cr_assert(eq(int, l1_config_parse("trace=0xf800000:0x1000", &c, err, sizeof(err)), -1));
	cr_assert(eq(int, l1_config_parse("trace=0xf800000", &c, err, sizeof(err)), -1));
	cr_assert(eq(int, l1_config_parse("trace=zz:0x2000", &c, err, sizeof(err)), -1));
	cr_assert(eq(int, l1_config_parse("trace=0xfffffffffffff000:0x2000", &c, err,
					   sizeof(err)), -1));
}
