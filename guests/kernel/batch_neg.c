/*
 * The look-ahead's negative cache (batch_neg.h): the table. Its updates
 * are inline in batch_neg.h, for the batch loop (batch.c, lookahead); the
 * fast path (batch_entry) reads and decrements `skip` itself.
 */
#include "batch_neg.h"

struct batch_neg batch_neg_table[BATCH_NEG_SLOTS];

_Static_assert(NESTLAB_BATCH_BACKOFF_MAX <= INT16_MAX, "skip is a signed 16-bit count");
_Static_assert(NESTLAB_BATCH_END_NR <= UINT8_MAX, "end is 8 bits");
