/*
 * Build-time check that the constants hostile.h repeats for the assembler
 * (the nestlab headers keep them in enums) still match the real ones.
 * Compiled, never linked or run.
 */
#include <nestlab/hypercall.h>
#include <nestlab/status.h>
#include "hostile.h"

_Static_assert(HOSTILE_STATUS_PASS == NESTLAB_STATUS_PASS, "status pass");
_Static_assert(HOSTILE_STATUS_WORKLOAD_FAIL == NESTLAB_STATUS_WORKLOAD_FAIL, "status fail");
_Static_assert(HOSTILE_HC_MAGIC == NESTLAB_HC_MAGIC, "hypercall magic");
_Static_assert(HOSTILE_HC_VERSION == NESTLAB_HC_VERSION, "HC_VERSION");
_Static_assert(HOSTILE_HC_ABI_VERSION == NESTLAB_HC_ABI_VERSION, "ABI version");
_Static_assert(HOSTILE_HC_OK == NESTLAB_HC_OK, "HC_OK");
_Static_assert(HOSTILE_FEAT_NPT_LAZY == NESTLAB_FEAT_NPT_LAZY, "NPT lazy feature bit");
