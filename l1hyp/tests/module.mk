# Host Criterion tests for L1's pure modules (npt and its sharing, frame_alloc, guest_mem,
# mb_loader, mb_elf): each test executable links its test file with the
# module's own source compiled with HOST_CFLAGS, so the code under test is
# the code L1 runs. copy_safe links L1's fault-safe access assembly itself;
# mb_elf reads ELF multiboot images built here, and the libFuzzer harness of
# the loader is run with make mb-loader-fuzz FUZZ_SECONDS=N (see below).
# Outputs in $(BUILD)/l1hyp/tests/.

L1TEST_DIR   := $(BUILD)/l1hyp/tests
L1TEST_NAMES := npt npt_share frame_alloc guest_mem mb_loader mb_elf copy_safe

L1TEST_SRC_npt         := l1hyp/mm/npt.c l1hyp/mm/npt_view.c
L1TEST_SRC_npt_share   := l1hyp/mm/npt.c l1hyp/mm/npt_view.c
L1TEST_SRC_frame_alloc := l1hyp/mm/frame_alloc.c
L1TEST_SRC_guest_mem   := l1hyp/core/guest_mem.c
L1TEST_SRC_mb_loader   := l1hyp/boot/mb_loader.c
L1TEST_SRC_mb_elf      := l1hyp/boot/mb_loader.c
L1TEST_SRC_copy_safe   :=

L1TEST_BINS := $(addprefix $(L1TEST_DIR)/test_,$(L1TEST_NAMES))
L1TEST_OBJS := $(sort $(patsubst %.c,$(L1TEST_DIR)/obj/%.o, \
	$(foreach n,$(L1TEST_NAMES),l1hyp/tests/test_$(n).c $(L1TEST_SRC_$(n)))))
L1TEST_CFLAGS := $(HOST_CFLAGS) -Il1hyp

UNIT_TESTS += $(L1TEST_BINS)

$(L1TEST_OBJS): $(L1TEST_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(L1TEST_CFLAGS) $(DEPFLAGS) -c $< -o $@

define L1TEST_LINK_RULE
$(L1TEST_DIR)/test_$(1): $(L1TEST_DIR)/obj/l1hyp/tests/test_$(1).o \
		$(patsubst %.c,$(L1TEST_DIR)/obj/%.o,$(L1TEST_SRC_$(1)))
	$$(HOST_CC) $$(L1TEST_CFLAGS) -o $$@ $$^ $$(CRITERION_LIBS)
endef
$(foreach n,$(L1TEST_NAMES),$(eval $(call L1TEST_LINK_RULE,$(n))))

# copy_safe.S assembled for the host, its .extable renamed to a section
# whose name is a C identifier (writable, for PIE relocations), so the test
# finds the table through the linker's __start_l1_extable/__stop_l1_extable.
L1TEST_COPY_SAFE_OBJ := $(L1TEST_DIR)/obj/copy_safe_host.o

$(L1TEST_COPY_SAFE_OBJ): l1hyp/arch/x86/copy_safe.S
	@mkdir -p $(dir $@)
	$(HOST_CC) -Wa,--noexecstack -c $< -o $@.tmp
	$(OBJCOPY) --rename-section .extable=l1_extable,alloc,load,data,contents $@.tmp $@
	rm -f $@.tmp

$(L1TEST_DIR)/test_copy_safe: $(L1TEST_COPY_SAFE_OBJ)

# ELF multiboot images without the a.out kludge for test_mb_elf: one .S
# linked identity-mapped and at two virtual offsets (p_vaddr != p_paddr), as
# ELF64 and converted to ELF32 the way an x86-64 kernel is given to QEMU's
# -kernel (objcopy -O elf32-i386). The test reads them at run time (order-
# only prerequisites: they are data, not link inputs).
L1TEST_IMG_DIR  := $(L1TEST_DIR)/img
L1TEST_ELF_IMGS := $(addprefix $(L1TEST_IMG_DIR)/,mb_elf64.elf mb_elf64_c0.elf \
	mb_elf64_high.elf mb_elf32.elf mb_elf32_c0.elf)
MB_ELF_VOFF_mb_elf64      := 0
MB_ELF_VOFF_mb_elf64_c0   := 0xC0000000
MB_ELF_VOFF_mb_elf64_high := 0xFFFFFFFF80000000

$(L1TEST_IMG_DIR)/mb_elf_image.o: l1hyp/tests/mb_elf_image.S include/nestlab/multiboot.h
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_ASFLAGS) -c $< -o $@

$(L1TEST_IMG_DIR)/mb_elf64%: $(L1TEST_IMG_DIR)/mb_elf_image.o l1hyp/tests/mb_elf_image.ld
	$(LD) $(FREESTANDING_LDFLAGS) --defsym=MB_TEST_VOFF=$(MB_ELF_VOFF_$(basename $(notdir $@))) \
		-T l1hyp/tests/mb_elf_image.ld -o $@ $<

$(L1TEST_IMG_DIR)/mb_elf32%: $(L1TEST_IMG_DIR)/mb_elf64%
	$(OBJCOPY) -O elf32-i386 $< $@

# The real L2 kernel, when it has been built: converted to ELF32 too (it
# keeps its a.out kludge; the test also parses it with the kludge cleared
# and compares with the flat l2kernel.bin).
L1TEST_L2KERNEL := $(BUILD)/guests/l2kernel.elf
L1TEST_L2K32    := $(L1TEST_IMG_DIR)/l2kernel-elf32.elf
ifneq ($(wildcard $(L1TEST_L2KERNEL)),)
$(L1TEST_L2K32): $(L1TEST_L2KERNEL)
	@mkdir -p $(dir $@)
	$(OBJCOPY) -O elf32-i386 $< $@
$(L1TEST_DIR)/test_mb_elf: | $(L1TEST_L2K32)
endif

$(L1TEST_DIR)/test_mb_elf: | $(L1TEST_ELF_IMGS)
$(L1TEST_DIR)/obj/l1hyp/tests/test_mb_elf.o: L1TEST_CFLAGS += \
	-DMB_TEST_IMG_DIR='"$(abspath $(L1TEST_IMG_DIR))"' \
	-DMB_TEST_L2KERNEL='"$(abspath $(L1TEST_L2KERNEL))"' \
	-DMB_TEST_L2BIN='"$(abspath $(BUILD)/guests/l2kernel.bin)"' \
	-DMB_TEST_L2K32='"$(abspath $(L1TEST_L2K32))"'

# libFuzzer + ASan + UBSan harness of the loader (mb_loader_fuzz.c), seeded
# with the ELF images above and an a.out one:
#   make mb-loader-fuzz FUZZ_SECONDS=N
MB_FUZZ        := $(L1TEST_DIR)/mb_loader_fuzz
MB_FUZZ_CORPUS := $(L1TEST_DIR)/mb-fuzz-corpus
FUZZ_SECONDS   ?= 60
# Control byte 1, then an a.out kludge header at 1 MiB (flags 0x10003,
# load_end 0, bss_end 0x102000, entry just after it) and cli; hlt; jmp.
MB_FUZZ_AOUT_SEED := \001\002\260\255\033\003\000\001\000\373\117\121\344\000\000\020\000\000\000\020\000\000\000\000\000\000\040\020\000\040\000\020\000\372\364\353\374

$(MB_FUZZ): l1hyp/tests/mb_loader_fuzz.c l1hyp/boot/mb_loader.c l1hyp/boot/mb_loader.h
	@mkdir -p $(dir $@)
	clang -std=gnu11 -O1 -g -Iinclude -Il1hyp -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o $@ l1hyp/tests/mb_loader_fuzz.c \
		l1hyp/boot/mb_loader.c

.PHONY: mb-loader-fuzz
mb-loader-fuzz: $(MB_FUZZ) $(L1TEST_ELF_IMGS)
	@mkdir -p $(MB_FUZZ_CORPUS)
	@for f in $(L1TEST_ELF_IMGS); do \
		printf '\001' | cat - $$f > $(MB_FUZZ_CORPUS)/seed-$$(basename $$f); done
	@printf '%b' '$(MB_FUZZ_AOUT_SEED)' > $(MB_FUZZ_CORPUS)/seed-aout.bin
	nice -n 19 $(MB_FUZZ) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(L1TEST_DIR)/ $(MB_FUZZ_CORPUS)

TEST_SCRIPTS += l1hyp/tests/layout_check.sh
TEST_SCRIPTS += l1hyp/tests/mech_example.sh
TEST_SCRIPTS += l1hyp/tests/l1_config_errors.sh
TEST_SCRIPTS += l1hyp/tests/hostile_l2.sh

# Local APIC model (l1hyp/devices/lapic*.c, docs/platform.md "Local APIC"):
# Criterion tests linked with the model's sources compiled hosted, a
# freestanding build of the same sources checked for foreign symbols
# (lapic_fs_check.sh), and the libFuzzer harness:
#   make lapic-fuzz FUZZ_SECONDS=N   libFuzzer + ASan + UBSan, MMIO/MSR/tick
LAPIC_SRCS       := $(wildcard l1hyp/devices/lapic*.c)
LAPIC_HDRS       := $(wildcard l1hyp/devices/lapic*.h) l1hyp/tests/lapic_test.h
LAPIC_TEST_NAMES := lapic_regs lapic_prio lapic_timer lapic_x2apic lapic_ipi
LAPIC_TESTS      := $(addprefix $(L1TEST_DIR)/test_,$(LAPIC_TEST_NAMES))
LAPIC_FS_OBJS    := $(patsubst %.c,$(BUILD)/l1hyp/devices-fs/%.o,$(LAPIC_SRCS))
LAPIC_FUZZ       := $(L1TEST_DIR)/lapic_fuzz
FUZZ_SECONDS     ?= 60

UNIT_TESTS   += $(LAPIC_TESTS)
TEST_DEPS    += $(LAPIC_FS_OBJS)
TEST_SCRIPTS += l1hyp/tests/lapic_fs_check.sh

$(LAPIC_TESTS): $(L1TEST_DIR)/test_%: l1hyp/tests/test_%.c $(LAPIC_SRCS) $(LAPIC_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Il1hyp -o $@ $< $(LAPIC_SRCS) $(CRITERION_LIBS)

$(LAPIC_FS_OBJS): $(BUILD)/l1hyp/devices-fs/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(LAPIC_FUZZ): l1hyp/tests/lapic_fuzz.c $(LAPIC_SRCS) $(LAPIC_HDRS)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -O1 -g -Iinclude -Il1hyp -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o $@ l1hyp/tests/lapic_fuzz.c $(LAPIC_SRCS)

.PHONY: lapic-fuzz
lapic-fuzz: $(LAPIC_FUZZ)
	@mkdir -p $(L1TEST_DIR)/lapic-fuzz-corpus
	nice -n 19 $(LAPIC_FUZZ) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(L1TEST_DIR)/ $(L1TEST_DIR)/lapic-fuzz-corpus
