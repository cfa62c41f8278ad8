/*
 * The core's exit handlers, one file per concern, each taking the vCPU.
 * exit_core_register installs them in the exit table (exit_table.h) before
 * the mechanisms are initialised, so a mechanism can chain to them.
 */
#ifndef L1_EXIT_CORE_H
#define L1_EXIT_CORE_H

struct vcpu;

unsigned exit_cpuid(struct vcpu *v);        /* exit_cpuid.c */
unsigned exit_vmmcall(struct vcpu *v);      /* exit_hypercall.c */
unsigned exit_ioio(struct vcpu *v);         /* exit_io.c */
unsigned exit_msr(struct vcpu *v);          /* exit_msr.c */
unsigned exit_npf(struct vcpu *v);          /* exit_npf.c */
unsigned exit_hlt(struct vcpu *v);          /* exit_stop.c */
unsigned exit_shutdown(struct vcpu *v);
unsigned exit_task_switch(struct vcpu *v);
unsigned exit_invalid_state(struct vcpu *v);
unsigned exit_virt_insn(struct vcpu *v);    /* exit_virt_insn.c */
unsigned exit_cr_write(struct vcpu *v);     /* exit_cr.c */
unsigned exit_tr_write(struct vcpu *v);     /* exit_tr.c */
/* CPUID-dependent state of the CR rules, once before L2 runs. */
void exit_cr_init(void);

/* Run the hypercall in the vCPU's registers for a caller at cpl that came
 * over transport (enum nestlab_transport; exit_hypercall.c); returns EXIT_*
 * flags. The transport has been checked by the caller. */
unsigned hypercall_from_guest(struct vcpu *v, unsigned cpl, unsigned transport);
/* Set up the hypercall services once, before L2 first runs. */
void hypercall_env_init(void);

void exit_core_register(void);

#endif
