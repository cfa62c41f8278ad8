/*
 * The mechanism registry (mech.h): walks the linker-collected table,
 * hands each mechanism its command-line switch and a per-vCPU state slot,
 * and logs which are on.
 */
#include "mech.h"
#include "../core/l1.h"
#include "../arch/x86/console.h"
#include "../../lib/freestanding/format.h"

extern const struct mech *const __mech_table_start[], *const __mech_table_end[];

static bool mech_on[VCPU_MECH_SLOTS];

int mech_switch_on(const char *value, size_t vlen)
{
	if (!value)
		return 0;
	if (vlen == 2 && value[0] == 'o' && value[1] == 'n')
		return 1;
	if (vlen == 3 && value[0] == 'o' && value[1] == 'f' && value[2] == 'f')
		return 0;
	return -1;
}

int mech_init_all(struct vcpu *v, struct l1_config *cfg, char *err, size_t errlen)
{
	unsigned slot = 0;

	for (const struct mech *const *p = __mech_table_start; p < __mech_table_end;
	     p++, slot++) {
		const struct mech *m = *p;
		const char *val = 0;
		size_t vlen = 0;
		int rc;

		if (slot >= VCPU_MECH_SLOTS) {
			format_snprintf(err, errlen, "more than %u mechanisms linked",
					VCPU_MECH_SLOTS);
			return -1;
		}
		for (const char *const *k = m->options; k && *k; k++) {
			const char *ov;
			size_t olen;

			if (l1_config_take(cfg, *k, &ov, &olen) &&
			    m->option(slot, *k, ov, olen, err, errlen) < 0)
				return -1;
		}
		l1_config_take(cfg, m->name, &val, &vlen);
		rc = m->init(v, slot, val, vlen, err, errlen);
		if (rc < 0)
			return -1;
		mech_on[slot] = rc > 0;
		l1_printf("nestlab-l1: mechanism %s: %s (%s)\n", m->name,
			  rc ? "on" : "off", m->summary);
	}
	return 0;
}

void mech_report_all(struct vcpu *v)
{
	unsigned slot = 0;

	for (const struct mech *const *p = __mech_table_start; p < __mech_table_end;
	     p++, slot++)
		if (slot < VCPU_MECH_SLOTS && mech_on[slot] && (*p)->report)
			(*p)->report(v);
}
