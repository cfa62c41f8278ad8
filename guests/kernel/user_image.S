/*
 * Embeds the ring-3 program image (guests/workloads/, linked at L2_USER_BASE
 * and flattened with objcopy) in the kernel, page-aligned by kernel.ld; the
 * kernel maps these frames into user space (process.c).
 */
	.section .user_image, "a"
	.incbin GUESTS_USER_BIN
