/*
 * The machine nestlab's levels agree on: QEMU's PC ports used for consoles,
 * results and run status, and the devices each level expects.
 *
 *   COM1 (0x3F8): console. L1 prints its own console here; L2's COM1 is an
 *                 16550-style UART emulated by L1 (lines forwarded to L1's
 *                 console with an "L2: " prefix).
 *   COM2 (0x2F8): results channel (see results.h), apart from the console.
 *                 Written by L1 at level 2, by the L2 kernel at level 1.
 *   0xF4        : QEMU isa-debug-exit (iobase=0xf4, iosize=4), see status.h.
 * Plain integer constants only, so that assembly can include this header.
 */
#ifndef NESTLAB_PLATFORM_H
#define NESTLAB_PLATFORM_H

#define NESTLAB_COM1_PORT        0x3F8
#define NESTLAB_COM2_PORT        0x2F8
#define NESTLAB_RESULTS_PORT     NESTLAB_COM2_PORT
#define NESTLAB_DEBUG_EXIT_PORT  0xF4

/* The PC devices nestlab's L1 models for L2 on its port bus
 * (l1hyp/devices/): the 8259A pair, the 8254 PIT with port 0x61 (its gate
 * and output), fw_cfg's selector and data ports. Anything an L2 or a test
 * guest must know about L1's ports comes from here. */
#define NESTLAB_PIC_MASTER_PORT  0x20   /* 2 ports */
#define NESTLAB_PIC_SLAVE_PORT   0xA0   /* 2 ports */
#define NESTLAB_PIT_PORT         0x40   /* 4 ports: counters 0-2, mode/command */
#define NESTLAB_PORT61           0x61   /* PIT channel 2 gate and output */
#define NESTLAB_FW_CFG_PORT      0x510  /* 2 ports: selector, data */

/* The port the "pio" workload reads: the scratch register of COM1
 * (16550 offset 7), emulated by L1 at level 2, QEMU's UART at level 1. */
#define NESTLAB_PIO_WORKLOAD_PORT (NESTLAB_COM1_PORT + 7)

/* Hypervisor CPUID leaves (Intel SDM / AMD APM reserve 0x40000000-0x400000FF
 * for hypervisors). 0x40000000: EAX = max leaf, EBX:ECX:EDX = signature.
 * 0x40000001: EAX = NESTLAB_HC_ABI_VERSION, EBX = NESTLAB_FEAT_* bits. */
#define NESTLAB_CPUID_LEAF_BASE  0x40000000
#define NESTLAB_CPUID_LEAF_INFO  0x40000001
#define NESTLAB_CPUID_LEAF_MAX   NESTLAB_CPUID_LEAF_INFO
#define NESTLAB_CPUID_SIG_EBX    0x7473654E /* "Nest" */
#define NESTLAB_CPUID_SIG_ECX    0x4C62614C /* "LabL" */
#define NESTLAB_CPUID_SIG_EDX    0x70794831 /* "1Hyp" */

#endif
