/*
 * Hypercall fuzzing (mode=hypercalls): random VMMCALL and backdoor
 * hypercalls checked against a model of the ABI (hcmodel.h).
 */
#ifndef FUZZ_HCFUZZ_H
#define FUZZ_HCFUZZ_H

#include "cmdline.h"

void run_hypercalls(const struct fuzz_opts *o);

#endif
