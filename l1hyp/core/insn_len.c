/* Prefix-aware length check for fixed-opcode instructions (insn_len.h). */
#include "insn_len.h"

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0xF0: case 0xF2: case 0xF3:                        /* group 1 */
	case 0x26: case 0x2E: case 0x36: case 0x3E:             /* group 2 */
	case 0x64: case 0x65:
	case 0x66:                                              /* group 3 */
	case 0x67:                                              /* group 4 */
		return true;
	default:
		return false;
	}
}

unsigned insn_len_match(const uint8_t *bytes, size_t n, bool long_mode,
			const uint8_t *opcode, size_t oplen)
{
	size_t i = 0, k;

	/* Fast path: no prefix, the usual case. */
	if (n >= oplen && bytes[0] == opcode[0]) {
		for (k = 1; k < oplen && bytes[k] == opcode[k]; k++)
			;
		if (k == oplen)
			return (unsigned)oplen;
	}
	while (i < n && i < INSN_MAX_LEN &&
	       (is_legacy_prefix(bytes[i]) ||
		(long_mode && (bytes[i] & 0xF0) == 0x40)))
		i++;
	if (i + oplen > INSN_MAX_LEN || i + oplen > n)
		return 0;
	for (k = 0; k < oplen; k++)
		if (bytes[i + k] != opcode[k])
			return 0;
	return (unsigned)(i + oplen);
}
