/*
 * The exit dispatch slot: a page of code every exit dispatch calls
 * directly (core/exit_table.h: exit_dispatch_slot(v, reason), v in RDI,
 * the reason in RSI, range-checked by the caller). Its own page in L1's
 * 4 KiB-mapped first 2 MiB, so that L1 can rewrite it under W^X
 * (arch/x86/l1_page.h, core/exit_tramp.c): the plain table dispatch below
 * (both options off, the image as linked, never rewritten), the retpolined
 * table dispatch (l1_retpoline=on), a jump to the learning stub, or the
 * generated trampoline (l1_trampoline=on). Whatever it holds ends in a
 * jump to the handler (a tail call), so the handler returns to the call
 * site and no frame of the slot is ever on the stack.
 * The rest of the page is INT3 (CC): a jump into it traps.
 */
	.section .text.exit_slot, "ax"
	.balign 4096
	.globl exit_dispatch_slot
	.type exit_dispatch_slot, @function
exit_dispatch_slot:
	jmp *exit_handlers(,%rsi,8)     /* FF /4, SIB scale 8, disp32 */
	.fill 4096 - (. - exit_dispatch_slot), 1, 0xcc
	.size exit_dispatch_slot, 4096
