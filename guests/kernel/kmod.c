/*
 * The L2 kernel's module: the first multiboot module, if there is one
 * (Multiboot Specification 0.6.96, 3.3: mods_count, mods_addr, each entry
 * mod_start/mod_end physical), loaded with the module loader
 * (kmod_load.c, the contract in include/nestlab/kmod.h) into consecutive
 * frames of the bump allocator and run at their direct-map address, which
 * is their physical one: below 1 GiB, so every 32-bit relocation of the
 * small code model fits, and the kernel's exports are a call away.
 *
 * Two steps around the kernel's page tables (kmain.c): kmod_boot_load,
 * before the tables are built, checks the file, lays the module out and
 * relocates it (the boot tables map the frames writable); the tables then
 * map its code and read-only data without write access, in 4 KiB pages
 * (kmod_page_writable); kmod_boot_init sets CR0.WP, so that the kernel
 * itself is held to that (AMD APM vol.2 5.6.4: with WP clear supervisor
 * writes ignore R/W), and calls mod_init. A refused file ends the run with
 * BAD_CONFIG and the loader's message; a negative mod_init result ends it
 * with WORKLOAD_FAIL.
 */
#include <nestlab/status.h>
#include "freestanding/format.h"
#include "kernel.h"
#include "arch.h"
#include "kmod_load.h"
#include "trace.h"

int kmod_code_range(uint64_t *start, uint64_t *end)
{
	const struct kmod_image *m = &l2k.kmod.image;

	if (!l2k.kmod.loaded)
		return -1;
	*start = m->base;
	*end = m->base + m->text_pages * PT_4K;
	return 0;
}

void ktrace(uint16_t type, uint8_t cpl, uint32_t code, uint64_t a0, uint64_t a1, uint64_t a2)
{
	if (type < NESTLAB_TRACE_NR)
		trace_event(type, cpl, code, 0, a0, a1, a2);
}

static const struct kmod_export kernel_exports[] = {
	{ "kprintf", (uint64_t)(uintptr_t)kprintf },
	{ "kputs", (uint64_t)(uintptr_t)kputs },
	{ "kmod_code_range", (uint64_t)(uintptr_t)kmod_code_range },
	{ "ktrace", (uint64_t)(uintptr_t)ktrace },
};

/* `pages` consecutive frames: the bump allocator hands them out in order. */
static void *kmod_frames(void *ctx, uint64_t pages, uint64_t *run)
{
	uint64_t first = 0, f, i;

	for (i = 0; i < pages; i++) {
		f = pmm_alloc(&l2k.pmm);
		if (!f || (i && f != first + i * PT_4K))
			return NULL;
		if (!i)
			first = f;
	}
	*run = first;
	return (void *)(uintptr_t)first;
}

static void kmod_boot_fail(unsigned status, const char *why)
{
	kprintf("nestlab-l2: module: %s\n", why);
	run_set_error(why);
	run_finish(status);
}

void kmod_boot_load(uint64_t start, uint64_t end)
{
	const struct kmod_env env = { kernel_exports,
				      sizeof(kernel_exports) / sizeof(kernel_exports[0]),
				      kmod_frames, NULL };
	struct kmod_image img;
	char why[200], msg[240];
	int rc;

	if (end < start || end > L2_DIRECT_MAP_END) {
		format_snprintf(msg, sizeof(msg), "the module at [0x%lx, 0x%lx) is not inside "
				"the first GiB of RAM", start, end);
		kmod_boot_fail(NESTLAB_STATUS_BAD_CONFIG, msg);
	}
	rc = kmod_load((const void *)(uintptr_t)start, end - start, &env, &img, why,
		       sizeof(why));
	if (rc) {
		/* The console gets the code too; the results stream's error line
		 * (which the launcher shortens) the loader's message first. */
		kprintf("nestlab-l2: module: %s\n", kmod_strerror(rc));
		format_snprintf(msg, sizeof(msg), "refused: %s", why);
		kmod_boot_fail(NESTLAB_STATUS_BAD_CONFIG, msg);
	}
	l2k.kmod.image = img;
	l2k.kmod.loaded = 1;
}

int kmod_page_writable(uint64_t pa)
{
	const struct kmod_image *m = &l2k.kmod.image;

	return !l2k.kmod.loaded || pa < m->base ||
	       pa >= m->base + (m->text_pages + m->ro_pages) * PT_4K;
}

int kmod_chunk_split(uint64_t pa)
{
	const struct kmod_image *m = &l2k.kmod.image;

	return l2k.kmod.loaded && pa < m->base + m->pages * PT_4K && m->base < pa + PT_2M;
}

void kmod_boot_init(void)
{
	const struct kmod_image *m = &l2k.kmod.image;
	char msg[120];
	int rc;

	if (!l2k.kmod.loaded)
		return;
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(read_cr0() | CR0_WP) : "memory");
	rc = ((int (*)(void))(uintptr_t)m->init)();
	kprintf("nestlab-l2: module %s loaded at 0x%lx (%lu pages), init returned %d\n",
		m->name, m->base, m->pages, rc);
	if (m->syscall_entry)
		kprintf("nestlab-l2: module %s: %s at 0x%lx\n", m->name, KMOD_SYSCALL_ENTRY,
			m->syscall_entry);
	if (rc < 0) {
		format_snprintf(msg, sizeof(msg), "module %s: %s returned %d", m->name,
				KMOD_INIT, rc);
		kmod_boot_fail(NESTLAB_STATUS_WORKLOAD_FAIL, msg);
	}
}
