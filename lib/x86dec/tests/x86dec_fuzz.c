/*
 * libFuzzer harness for lib/x86dec (make x86dec-fuzz FUZZ_SECONDS=N; built
 * with clang -fsanitize=fuzzer,address,undefined). Input: byte 0 selects the
 * mode and a fault offset, bytes 1.. are the instruction bytes. Checks, and
 * traps on violation: buffer and callback decoding agree; a fetch fault at
 * offset k is reported exactly when the decoder needed byte k; no byte past
 * the instruction is ever requested; lengths are within 1..15; the emulator
 * either commits a state or leaves registers untouched.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "../x86dec.h"

struct fctx {
	const uint8_t *data;
	unsigned len, fault_at, max_req;
};

static unsigned fetch(void *c, unsigned off, uint8_t *dst, unsigned len, int *fault)
{
	struct fctx *f = c;
	unsigned got = 0;
	while (got < len) {
		unsigned o = off + got;
		if (o + 1 > f->max_req)
			f->max_req = o + 1;
		if (o == f->fault_at) {
			*fault = 1;
			break;
		}
		if (o >= f->len) {
			*fault = 0;
			break;
		}
		dst[got++] = f->data[o];
	}
	return got;
}

static uint8_t sandbox[256];

static int mread(void *ctx, uint64_t a, unsigned s, uint64_t *v)
{
	if (a & 0x100) return 1; /* half the address space faults */
	*v = 0;
	memcpy(v, sandbox + (a & 0xF7), s);
	return 0;
}

static int mwrite(void *ctx, uint64_t a, unsigned s, uint64_t v)
{
	if (a & 0x100) return 1;
	memcpy(sandbox + (a & 0xF7), &v, s);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum x86dec_mode mode = (data[0] & 1) ? X86DEC_MODE_32 : X86DEC_MODE_64;
	unsigned fault_at = (data[0] >> 1) & 31; /* >= 16: no fault */
	const uint8_t *b = data + 1;
	size_t n = size - 1;

	struct x86dec_insn a, c;
	int sa = x86dec_decode_buf(&a, mode, b, n);
	if (sa == X86DEC_OK && (a.length < 1 || a.length > 15 || a.length > n))
		__builtin_trap();
	if (sa == X86DEC_TRUNCATED && (a.fault_offset != (n < 15 ? n : 15) || n >= 15))
		__builtin_trap();
	if (x86dec_length(mode, b, n) != (sa == X86DEC_OK ? a.length : 0u))
		__builtin_trap();

	/* callback decoding without a fault must agree exactly */
	struct fctx f = { b, (unsigned)n, ~0u, 0 };
	int sc = x86dec_decode(&c, mode, fetch, &f);
	if (sc != sa || (sa == X86DEC_OK && c.length != a.length))
		__builtin_trap();
	if (sa == X86DEC_OK && f.max_req > a.length)
		__builtin_trap(); /* read past the instruction */
	if (f.max_req > 15)
		__builtin_trap();

	/* with a fault at fault_at: a fault iff the decoder needed that byte */
	if (fault_at < 16) {
		struct fctx g = { b, (unsigned)n, fault_at, 0 };
		int sg = x86dec_decode(&c, mode, fetch, &g);
		if (sg == X86DEC_FETCH_FAULT) {
			if (c.fault_offset != fault_at || f.max_req <= fault_at)
				__builtin_trap();
		} else if (sg != sa || f.max_req > fault_at) {
			__builtin_trap();
		}
	}

	/* emulate from a state derived from the input */
	if (sa == X86DEC_OK) {
		struct x86emu_regs r, r0;
		for (int i = 0; i < 16; i++)
			r.gpr[i] = (uint64_t)(i * 0x1111) ^ (n > (size_t)i ? b[i] : 0);
		r.rip = 0x1000;
		r.rflags = 0x202 | (data[0] & 0xD5);
		r0 = r;
		struct x86emu_mem_ops m = { mread, mwrite, NULL, 0x20, 0x40 };
		struct x86emu_branch br;
		int e = x86emu_step(&a, &r, &m, &br);
		if (e != X86EMU_DONE && memcmp(&r, &r0, sizeof(r)))
			__builtin_trap();
		if (e == X86EMU_DONE && r.rip != r0.rip + a.length)
			__builtin_trap();
		if (e == X86EMU_DONE && mode != X86DEC_MODE_64)
			__builtin_trap();
	}
	return 0;
}
