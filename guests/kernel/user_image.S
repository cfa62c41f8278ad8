/*
 * Embeds the ring-3 program image (guests/workloads/, linked at L2_USER_BASE
 * and flattened with objcopy) in the kernel, page-aligned by kernel.ld; the
 * kernel maps these frames into user space (process.c). The image goes in
 * two pieces around __user_image_text_end, the end of its code:
 * GUESTS_USER_TEXT_BYTES (a multiple of 4 KiB, user.ld's __user_text_end -
 * L2_USER_BASE, read from user.elf by the build).
 */
	.section .user_image, "a"
	.incbin GUESTS_USER_BIN, 0, GUESTS_USER_TEXT_BYTES
	.globl __user_image_text_end
__user_image_text_end:
	.incbin GUESTS_USER_BIN, GUESTS_USER_TEXT_BYTES
