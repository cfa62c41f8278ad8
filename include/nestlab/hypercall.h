/*
 * nestlab unified hypercall ABI: the one contract between an L2 guest (kernel
 * or ring-3 program) and the L1 hypervisor, whatever the transport.
 *
 * Three transports carry the same register convention (the unified
 * hypercall interface of docs/mechanisms.md):
 *   - VMMCALL  (AMD SVM, APM vol.3 "VMMCALL": exits to the hypervisor, #UD if
 *               not intercepted)
 *   - VMCALL   (Intel VMX, SDM vol.3 "VMCALL"; defined here, served once the
 *               VMX backend exists)
 *   - backdoor: "IN EAX, DX" with DX = NESTLAB_HC_BACKDOOR_PORT, the
 *               VMware-style I/O port, trapped through the IOPM. A CPL3
 *               caller needs I/O permission for all 4 bytes the dword IN
 *               touches, ports 0x5658-0x565B (one TSS I/O-bitmap bit per
 *               byte, AMD APM vol.2 12.2.4); the permission check comes
 *               before the intercept, so without it the IN raises #GP in L2.
 *
 * Register convention, identical on every transport:
 *   in:  RAX = NESTLAB_HC_MAGIC   (required; anything else is not a hypercall:
 *                                  VMMCALL gets NESTLAB_HC_E_MAGIC, the port
 *                                  reads as an unbacked port, all ones)
 *        RCX = command (enum nestlab_hc_cmd)
 *        RBX = arg0, RSI = arg1, RDI = arg2
 *        RDX = the backdoor port (backdoor only; ignored on VMMCALL/VMCALL)
 *   out: RAX = status (enum nestlab_hc_status, zero-extended to 64 bits)
 *        RBX = ret0, RSI = ret1; every other register is preserved.
 *
 * Pointer arguments are guest-virtual addresses in the caller's address space
 * (L1 walks the guest's page tables); they are checked (inside L2 RAM, length
 * bounded, page crossings handled) and copied once by a fault-safe reader.
 * Callers at CPL3 reach only the commands in NESTLAB_HC_CPL3_ALLOWED.
 */
#ifndef NESTLAB_HYPERCALL_H
#define NESTLAB_HYPERCALL_H

#define NESTLAB_HC_ABI_VERSION   1u
#define NESTLAB_HC_MAGIC         0x564D5868u /* "VMXh", as VMware's backdoor */
#define NESTLAB_HC_BACKDOOR_PORT 0x5658u

enum nestlab_hc_cmd {
	/* -> ret0 = ABI version, ret1 = feature bits (NESTLAB_FEAT_*) */
	NESTLAB_HC_VERSION       = 0,
	/* does nothing: the null hypercall of the "hypercall" workload */
	NESTLAB_HC_NOP           = 1,
	/* arg0 = name pointer, arg1 = name length (1..NESTLAB_PHASE_NAME_MAX)
	 * -> ret0 = phase index. Phases do not nest: one is open at a time. */
	NESTLAB_HC_PHASE_BEGIN   = 2,
	/* arg0 = phase index returned by PHASE_BEGIN */
	NESTLAB_HC_PHASE_END     = 3,
	/* arg0 = pointer, arg1 = length (<= NESTLAB_HC_CONSOLE_MAX) -> ret0 =
	 * bytes written. Goes to L1's console with an "L2: " line prefix. */
	NESTLAB_HC_CONSOLE_WRITE = 4,
	/* arg0 = exit reason (enum nestlab_exit_reason), arg1 = phase index or
	 * NESTLAB_HC_TOTALS -> ret0 = exit count, ret1 = L1 cycles */
	NESTLAB_HC_COUNTER_QUERY = 5,
	/* arg0 = run status (enum nestlab_status): L1 writes the results and
	 * ends the run. Does not return on success. CPL0 only. */
	NESTLAB_HC_EXIT          = 6,
	/* arg0 = guest-physical address of the L2 kernel's trace ring, arg1 =
	 * its bytes (both multiples of 4 KiB, NESTLAB_TRACE_RING_BYTES(1) ..
	 * NESTLAB_HC_TRACE_MAX_BYTES; include/nestlab/trace.h): L1 lists it
	 * in the run's trace directory. E_STATE if the run is not traced or a
	 * ring is registered already. CPL0 only. */
	NESTLAB_HC_TRACE_REGISTER = 7,
	/*
	 * MBEC emulation (docs/mbec.md): L1 gives each guest-physical page of
	 * L2 RAM separate execute rights for CPL3 (user) and CPL0-2
	 * (supervisor) fetches, as Intel's MBEC / AMD's GMET do in hardware.
	 * Only when L1 runs with mbec=exec-fault (or another design): else
	 * E_STATE. CPL0 only. Read and write rights are never changed.
	 *
	 * arg0 = NESTLAB_MBEC_POLICY_VERSION -> ret0 = the number of 4 KiB
	 * pages of L2 RAM. Turns the per-mode views on; until then, and for
	 * every page no MBEC_SET names, both modes may execute every page.
	 * Again once on: E_STATE. A different version: E_INVAL.
	 */
	NESTLAB_HC_MBEC_ENABLE    = 8,
	/* arg0 = guest-physical address (4 KiB aligned), arg1 = pages (>= 1;
	 * the range inside L2 RAM), arg2 = rights (NESTLAB_MBEC_X_* bits, no
	 * others) -> ret0 = pages changed. Misaligned, zero pages or unknown
	 * bits: E_INVAL; outside RAM or wrapping: E_RANGE; before ENABLE:
	 * E_STATE; L1 out of memory for the views: E_RANGE with nothing
	 * changed. All or nothing. */
	NESTLAB_HC_MBEC_SET       = 9,
	/* arg0 = guest-physical address (in RAM) -> ret0 = the rights of its
	 * page, ret1 = view switches so far (whole run). E_RANGE outside RAM,
	 * E_STATE before ENABLE. */
	NESTLAB_HC_MBEC_QUERY     = 10,
	/*
	 * System-call interposition (docs/interpose.md, the contract in
	 * include/nestlab/interpose.h). Only when L1 runs with interpose=
	 * inguest or hypercall: else E_STATE. CPL0 only.
	 *
	 * arg0 = virtual address of the module's control page -> ret0 = the
	 * variant (enum nestlab_interpose_variant). L1 checks the page once:
	 * E_FAULT if the control page, a page of the module's code or the
	 * counter page is not mapped, is a user page or lies outside L2 RAM;
	 * E_INVAL for a wrong magic or version, an address not 4 KiB-aligned,
	 * an empty code range or pages that overlap; E_RANGE for an entry
	 * outside [code_start, code_end) or more than
	 * NESTLAB_INTERPOSE_CODE_PAGES_MAX pages of code; E_STATE the second
	 * time; E_RANGE with nothing changed if L1 runs out of memory for
	 * the nested page tables. Then L1 protects the pages, fills the
	 * control page's L1 part and points the CPU's LSTAR at the entry.
	 */
	NESTLAB_HC_INTERPOSE_REGISTER = 11,
	/* Variant hypercall, from the module at each system call: arg0 = the
	 * system-call number -> ret0 = 1 if it is denied, else 0. E_STATE
	 * unless registered under variant hypercall. */
	NESTLAB_HC_INTERPOSE_SYSCALL  = 12,
	/* arg0 = NESTLAB_INTERPOSE_Q_COUNTS -> ret0 = system calls
	 * interposed so far (whole run), ret1 = L2 writes to the protected
	 * pages refused so far; arg0 = NESTLAB_INTERPOSE_Q_CONFIG -> ret0 =
	 * variant | op << 8, ret1 = 1 once a module registered. Another arg0:
	 * E_INVAL. E_STATE when interposition is off. */
	NESTLAB_HC_INTERPOSE_QUERY    = 13,
	/*
	 * Protection domains (include/nestlab/domain.h, docs/mbec.md). Only
	 * while L1's domain mechanism is on (domain=on; the launcher sets it
	 * for workload domain; off: E_STATE).
	 * CPL0 only, over VMMCALL only (CALL and RETURN move the vCPU).
	 *
	 * arg0 = virtual address of a struct nestlab_domain_desc -> ret0 =
	 * the domain's id. E_FAULT: the descriptor unreadable; E_INVAL: magic,
	 * version, 0 or too many ranges, a range misaligned, empty or
	 * overlapping another, the gate outside the ranges, a reserved field
	 * set; E_RANGE: a range outside L2 RAM, more than
	 * NESTLAB_DOMAIN_PAGES_MAX pages, L1 out of memory (nothing changed);
	 * E_STATE: a domain exists already, or the views are another
	 * mechanism's (MBEC, interposition's breakpoint).
	 */
	NESTLAB_HC_DOMAIN_CREATE      = 14,
	/* arg0 = id, arg1 = a value: the vCPU continues at the domain's gate in
	 * its view with RBX = the value, RSI = the id; its DOMAIN_RETURN comes
	 * back here with RAX = OK, RBX = its result, RSP as at the call.
	 * E_INVAL: no such id, or not over VMMCALL; E_STATE: inside a domain,
	 * or MBEC's views in use. */
	NESTLAB_HC_DOMAIN_CALL        = 15,
	/* From inside the domain: arg0 = the result -> back after the CALL.
	 * E_STATE outside a domain. */
	NESTLAB_HC_DOMAIN_RETURN      = 16,
	NESTLAB_HC_NR_CMDS
};

/* MBEC execute rights of a page (NESTLAB_HC_MBEC_SET) */
#define NESTLAB_MBEC_POLICY_VERSION 1u
#define NESTLAB_MBEC_X_USER       (1u << 0) /* CPL3 may execute it */
#define NESTLAB_MBEC_X_SUPER      (1u << 1) /* CPL0-2 may execute it */
#define NESTLAB_MBEC_X_BOTH       (NESTLAB_MBEC_X_USER | NESTLAB_MBEC_X_SUPER)

#define NESTLAB_HC_TOTALS        0xFFFFFFFFu
#define NESTLAB_HC_CONSOLE_MAX   4096u
#define NESTLAB_HC_TRACE_MAX_BYTES (64u << 20)

/* Commands a CPL3 caller may issue: a bit per command number. */
#define NESTLAB_HC_CPL3_ALLOWED                                              \
	((1u << NESTLAB_HC_VERSION) | (1u << NESTLAB_HC_NOP) |                   \
	 (1u << NESTLAB_HC_PHASE_BEGIN) | (1u << NESTLAB_HC_PHASE_END) |         \
	 (1u << NESTLAB_HC_CONSOLE_WRITE) | (1u << NESTLAB_HC_COUNTER_QUERY))

enum nestlab_hc_status {
	NESTLAB_HC_OK          = 0,
	NESTLAB_HC_E_UNKNOWN   = 1, /* unknown command: the fixed error code */
	NESTLAB_HC_E_PERM      = 2, /* command not allowed at the caller's CPL */
	NESTLAB_HC_E_INVAL     = 3, /* malformed argument (bad index, zero length) */
	NESTLAB_HC_E_FAULT     = 4, /* pointer not mapped / outside L2 RAM / fault */
	NESTLAB_HC_E_RANGE     = 5, /* length over the command's bound */
	NESTLAB_HC_E_STATE     = 6, /* wrong state (phase already open / not open) */
	NESTLAB_HC_E_MAGIC     = 7, /* RAX did not hold NESTLAB_HC_MAGIC */
};

/* Feature bits returned by NESTLAB_HC_VERSION (ret1) and CPUID 0x40000001.EBX */
#define NESTLAB_FEAT_VMMCALL     (1u << 0)
#define NESTLAB_FEAT_VMCALL      (1u << 1)
#define NESTLAB_FEAT_BACKDOOR    (1u << 2)
#define NESTLAB_FEAT_NPT_LAZY    (1u << 3) /* L1 runs with lazy NPT population */

/* Transport ids, as named on command lines ("vmmcall", "vmcall", "backdoor") */
enum nestlab_transport {
	NESTLAB_TRANSPORT_VMMCALL  = 0,
	NESTLAB_TRANSPORT_VMCALL   = 1,
	NESTLAB_TRANSPORT_BACKDOOR = 2,
};

#endif
