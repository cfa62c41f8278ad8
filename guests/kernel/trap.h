/*
 * The L2 kernel's exception handling entry point: the frame is the shared
 * struct isr_frame (lib/freestanding/isr.h); trap.c defines isr_dispatch.
 */
#ifndef L2_TRAP_H
#define L2_TRAP_H

#include <stdint.h>
#include "freestanding/isr.h"

#endif
