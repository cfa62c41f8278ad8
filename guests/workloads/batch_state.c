/*
 * The state line of the batching workloads (batch_state.h), written with
 * one write() so that it stays one console line at both levels.
 */
#include "ulib.h"
#include "batch_state.h"
#include "freestanding/format.h"

void batch_state_print(const char *name, const struct batch_state *s)
{
	static const char *const names[16] = {
		"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	};
	char line[512];
	size_t n;

	n = format_snprintf(line, sizeof(line), "%s: state", name);
	for (unsigned i = 0; i < 16 && n < sizeof(line); i++)
		n += format_snprintf(line + n, sizeof(line) - n, " %s=%lx", names[i], s->gpr[i]);
	if (n < sizeof(line))
		n += format_snprintf(line + n, sizeof(line) - n, " rflags=%lx mem=%lx\n",
				     s->rflags, s->mem);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	u_write(line, n);
}
