/*
 * The L2 kernel's interrupt vectors. The timer's is the first vector past
 * the 32 the architecture reserves for exceptions (AMD APM vol.2 8.2; Intel
 * SDM vol.3 6.2); the spurious vector is 0xFF, whose low four bits are 1s as
 * processors that hard-wire them require (Intel SDM vol.3 10.9). Included
 * by irq_entry.S too: numbers only.
 */
#ifndef L2_IRQ_H
#define L2_IRQ_H

#define L2_VEC_TIMER    0x20
#define L2_VEC_SPURIOUS 0xFF

#endif
