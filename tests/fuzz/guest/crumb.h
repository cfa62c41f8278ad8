/*
 * The breadcrumb in L2 RAM (fuzz_abi.h) and the end of the run: the final
 * status goes to the debug-exit port, which L1 turns into the run's status
 * (exit_io.c); at level 1 QEMU's isa-debug-exit ends QEMU with it.
 */
#ifndef FUZZ_CRUMB_H
#define FUZZ_CRUMB_H

#include "../fuzz_abi.h"
#include "entry.h"

#define crumb ((volatile struct fuzz_crumb *)(uintptr_t)FUZZ_CRUMB_GPA)

__attribute__((noreturn)) void crumb_exit(unsigned status);
__attribute__((noreturn)) void fuzz_lost(const char *what, const struct trap_frame *f);

#endif
