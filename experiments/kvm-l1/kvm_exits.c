/*
 * SVM exit code names and the tracefs histogram parser (see kvm_exits.h).
 * The histogram's text is the kernel's (kernel/trace/trace_events_hist.c:
 * one "{ key: value } hitcount: N" line per entry, then a "Totals:" block);
 * the parser accepts exactly that and refuses anything else, so a format
 * change shows up as an error, never as wrong counts.
 */
#include "kvm_exits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned kvmx_svm_reason(uint32_t code)
{
	if (code >= KVMX_SVM_EXCP_BASE && code < KVMX_SVM_EXCP_BASE + 32) {
		switch (code - KVMX_SVM_EXCP_BASE) {
		case 0:  return NESTLAB_EXIT_EXCP_DE;
		case 1:  return NESTLAB_EXIT_EXCP_DB;
		case 3:  return NESTLAB_EXIT_EXCP_BP;
		case 6:  return NESTLAB_EXIT_EXCP_UD;
		case 13: return NESTLAB_EXIT_EXCP_GP;
		case 14: return NESTLAB_EXIT_EXCP_PF;
		case 17: return NESTLAB_EXIT_EXCP_AC;
		case 18: return NESTLAB_EXIT_EXCP_MC;
		}
		return NESTLAB_EXIT_EXCP_OTHER;
	}
	switch (code) {
	/* KVM intercepts CR0 writes selectively (APM vol.2 15.9.1: bits
	 * other than TS and MP changed): a CR0 write all the same. */
	case KVMX_SVM_CR0_WRITE:
	case KVMX_SVM_CR0_SEL_WRITE: return NESTLAB_EXIT_CR0_WRITE;
	case KVMX_SVM_CR4_WRITE:   return NESTLAB_EXIT_CR4_WRITE;
	case KVMX_SVM_INTR:        return NESTLAB_EXIT_INTR;
	case KVMX_SVM_NMI:         return NESTLAB_EXIT_NMI;
	case KVMX_SVM_SMI:         return NESTLAB_EXIT_SMI;
	case KVMX_SVM_INIT:        return NESTLAB_EXIT_INIT;
	case KVMX_SVM_VINTR:       return NESTLAB_EXIT_VINTR;
	case KVMX_SVM_TR_WRITE:    return NESTLAB_EXIT_TR_WRITE;
	case KVMX_SVM_CPUID:       return NESTLAB_EXIT_CPUID;
	case KVMX_SVM_IRET:        return NESTLAB_EXIT_IRET;
	case KVMX_SVM_INVD:        return NESTLAB_EXIT_INVD;
	case KVMX_SVM_PAUSE:       return NESTLAB_EXIT_PAUSE;
	case KVMX_SVM_HLT:         return NESTLAB_EXIT_HLT;
	case KVMX_SVM_INVLPGA:     return NESTLAB_EXIT_INVLPGA;
	case KVMX_SVM_IOIO:        return NESTLAB_EXIT_IOIO;
	case KVMX_SVM_MSR:         return NESTLAB_EXIT_MSR;
	case KVMX_SVM_TASK_SWITCH: return NESTLAB_EXIT_TASK_SWITCH;
	case KVMX_SVM_SHUTDOWN:    return NESTLAB_EXIT_SHUTDOWN;
	case KVMX_SVM_VMRUN:       return NESTLAB_EXIT_VMRUN;
	case KVMX_SVM_VMMCALL:     return NESTLAB_EXIT_VMMCALL;
	case KVMX_SVM_VMLOAD:      return NESTLAB_EXIT_VMLOAD;
	case KVMX_SVM_VMSAVE:      return NESTLAB_EXIT_VMSAVE;
	case KVMX_SVM_STGI:        return NESTLAB_EXIT_STGI;
	case KVMX_SVM_CLGI:        return NESTLAB_EXIT_CLGI;
	case KVMX_SVM_SKINIT:      return NESTLAB_EXIT_SKINIT;
	case KVMX_SVM_RDTSCP:      return NESTLAB_EXIT_RDTSCP;
	case KVMX_SVM_MONITOR:     return NESTLAB_EXIT_MONITOR;
	case KVMX_SVM_MWAIT:
	case KVMX_SVM_MWAIT_COND:  return NESTLAB_EXIT_MWAIT;
	case KVMX_SVM_XSETBV:      return NESTLAB_EXIT_XSETBV;
	case KVMX_SVM_NPF:         return NESTLAB_EXIT_NPF;
	case KVMX_SVM_INVALID:     return NESTLAB_EXIT_INVALID;
	}
	return NESTLAB_EXIT_UNKNOWN;
}

/* "<word>: <decimal>" at s (after blanks): the value, and *end past it. */
static int field_u64(const char *s, const char *word, uint64_t *v, const char **end)
{
	size_t n = strlen(word);
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, word, n) || s[n] != ':')
		return -1;
	s += n + 1;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &e, 10);
	*end = e;
	return 0;
}

static int add_code(struct kvmx_snapshot *out, uint32_t code, uint64_t hits)
{
	unsigned r = kvmx_svm_reason(code);

	out->count[r] += hits;
	if (r != NESTLAB_EXIT_UNKNOWN)
		return 0;
	if (out->nr_other == KVMX_OTHER_MAX)
		return KVMX_E_FULL;
	out->other[out->nr_other++] = (struct kvmx_other){ code, hits };
	return 0;
}

static int parse_line(const char *line, struct kvmx_snapshot *out, int *in_totals)
{
	uint64_t code, hits, v;
	const char *p = line, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return 0;
	if (!strcmp(p, "Totals:")) {
		*in_totals = 1;
		return 0;
	}
	if (*in_totals) {
		if (!field_u64(p, "Dropped", &v, &e) && !*e) {
			out->dropped = v;
			return 0;
		}
		if ((!field_u64(p, "Hits", &v, &e) || !field_u64(p, "Entries", &v, &e)) && !*e)
			return 0;
		return KVMX_E_FORMAT;
	}
	if (*p++ != '{')
		return KVMX_E_FORMAT;
	if (field_u64(p, "exit_reason", &code, &e) || code > 0xFFFFFFFFull)
		return KVMX_E_FORMAT;
	while (*e == ' ')
		e++;
	if (*e++ != '}' || field_u64(e, "hitcount", &hits, &e))
		return KVMX_E_FORMAT;
	while (*e == ' ' || *e == '\t')
		e++;
	if (*e)
		return KVMX_E_FORMAT;
	return add_code(out, (uint32_t)code, hits);
}

int kvmx_hist_parse(const char *text, struct kvmx_snapshot *out, char *err,
		    size_t errlen)
{
	int in_totals = 0;
	char line[256];

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	while (*text) {
		size_t n = strcspn(text, "\n");
		int rc;

		if (n >= sizeof(line)) {
			snprintf(err, errlen, "histogram line too long: %.40s...", text);
			return KVMX_E_FORMAT;
		}
		memcpy(line, text, n);
		line[n] = '\0';
		text += n + (text[n] == '\n');
		rc = parse_line(line, out, &in_totals);
		if (rc == KVMX_E_FORMAT) {
			snprintf(err, errlen, "histogram line not understood: %s", line);
			return rc;
		}
		if (rc) {
			snprintf(err, errlen, "more than %u SVM exit codes without a nestlab name",
				 KVMX_OTHER_MAX);
			return rc;
		}
	}
	if (out->dropped) {
		snprintf(err, errlen, "the kvm_exit histogram dropped %llu hits",
			 (unsigned long long)out->dropped);
		return KVMX_E_DROPPED;
	}
	return 0;
}

void kvmx_delta(const struct kvmx_snapshot *now, const struct kvmx_snapshot *then,
		uint64_t out[NESTLAB_EXIT_NR])
{
	for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++)
		out[r] = now->count[r] > then->count[r] ? now->count[r] - then->count[r] : 0;
}

static uint64_t other_hits(const struct kvmx_snapshot *s, uint32_t code)
{
	for (unsigned i = 0; i < s->nr_other; i++)
		if (s->other[i].code == code)
			return s->other[i].hits;
	return 0;
}

uint64_t kvmx_other_delta(const struct kvmx_snapshot *now,
			  const struct kvmx_snapshot *then, uint32_t code)
{
	uint64_t a = other_hits(now, code), b = other_hits(then, code);

	return a > b ? a - b : 0;
}

const char *kvmx_strerror(int rc)
{
	switch (rc) {
	case KVMX_E_FORMAT:  return "KVMX_E_FORMAT (histogram text not understood)";
	case KVMX_E_FULL:    return "KVMX_E_FULL (too many unnamed SVM exit codes)";
	case KVMX_E_DROPPED: return "KVMX_E_DROPPED (the histogram dropped hits)";
	}
	return "unknown error";
}
