/*
 * The first L2 kernel module, the one the tests load (include/nestlab/kmod.h
 * is the contract): its mod_init prints one line through the kernel's
 * exported kprintf, reading a counter from its own data and its message
 * from read-only data (so the loader's absolute, PC-relative and call
 * relocations all occur), and returns HELLO_INIT_RC, which the kernel
 * reports and the integration test (tests/integration/kmod.sh) checks.
 */
#include <nestlab/kmod.h>

#define HELLO_INIT_RC 42

KMOD_DECLARE("hello");

static const char greeting[] = "hello from a kernel module";
static int calls;                      /* bss: starts at 0 */
static int answer = HELLO_INIT_RC - 1; /* data */

int mod_init(void)
{
	calls++;
	answer += calls;
	kprintf("kmod hello: %s (init call %d)\n", greeting, calls);
	return answer;
}
