# guests/: the L2 kernel (guests/kernel/) and its ring-3 workloads
# (guests/workloads/), linked into one flat multiboot image,
# $(BUILD)/guests/l2kernel.bin (a.out kludge, loaded at 1 MiB), plus
# l2kernel.elf for symbols. The workloads are linked on their own at
# L2_USER_BASE, flattened, and embedded in the kernel with .incbin.
# Host unit tests of the pure modules: $(BUILD)/guests/test_guests.
# The test kernel, $(BUILD)/guests/testkernel.elf, has its own fragment,
# guests/tests/testkernel/module.mk (the top-level Makefile includes every
# module.mk up to three folders deep).
# Boot tests of every workload: tests/integration/ (level1.sh, nested_*.sh).

GUESTS_OUT      := $(BUILD)/guests
GUESTS_CFLAGS   := $(FREESTANDING_CFLAGS) -Iguests -Ilib -fno-tree-loop-distribute-patterns
GUESTS_ASFLAGS  := $(FREESTANDING_ASFLAGS) -Iguests

GUESTS_KERNEL_C := $(wildcard guests/kernel/*.c)
GUESTS_KERNEL_S := guests/kernel/boot.S guests/kernel/entry.S guests/kernel/switch.S \
	guests/kernel/irq_entry.S guests/kernel/retpoline_thunks.S
# The kernel's indirect branches go through retpoline thunks (retpoline_thunks.S;
# retpoline=off at boot turns them into plain indirect jumps).
GUESTS_KERNEL_RETPOLINE := -mindirect-branch=thunk-extern -mindirect-branch-register
# lib/x86dec in the kernel (decoded-syscall batching, batch.c), built with
# the kernel's own flags.
GUESTS_KERNEL_X86DEC := $(patsubst lib/x86dec/%.c,$(GUESTS_OUT)/x86dec/%.o,\
	lib/x86dec/x86dec_decode.c lib/x86dec/x86dec_form.c lib/x86dec/x86emu.c \
	lib/x86dec/x86dec_tables.c)

GUESTS_KERNEL_OBJS := $(patsubst guests/kernel/%.c,$(GUESTS_OUT)/kernel/%.o,$(GUESTS_KERNEL_C)) \
	$(patsubst guests/kernel/%.S,$(GUESTS_OUT)/kernel/%.o,$(GUESTS_KERNEL_S)) \
	$(GUESTS_OUT)/kernel/user_image.o \
	$(GUESTS_OUT)/lib/string.o $(GUESTS_OUT)/lib/results_writer.o \
	$(GUESTS_OUT)/lib/trace_region.o \
	$(GUESTS_OUT)/lib/format.o $(GUESTS_OUT)/lib/isr_entry.o \
	$(GUESTS_KERNEL_X86DEC) $(GUESTS_OUT)/tramp/tramp_gen.o $(GUESTS_OUT)/tramp/tramp_select.o \
	$(GUESTS_OUT)/tramp/tramp_policy.o $(GUESTS_OUT)/tramp/tramp_ledger.o

GUESTS_USER_C   := $(wildcard guests/workloads/*.c)
GUESTS_USER_OBJS := $(patsubst guests/workloads/%.c,$(GUESTS_OUT)/user/%.o,$(GUESTS_USER_C)) \
	$(GUESTS_OUT)/user/format.o $(GUESTS_OUT)/user/string.o

GUESTS_PURE_C   := guests/kernel/cmdline.c guests/kernel/pmm.c guests/kernel/pt.c guests/kernel/runq.c \
	guests/kernel/batch_neg.c \
	lib/trace/trace_region.c guests/workloads/batch_gen.c
GUESTS_TEST_C   := $(wildcard guests/tests/test_*.c)

ALL_TARGETS  += $(GUESTS_OUT)/l2kernel.bin $(GUESTS_OUT)/l2kernel.elf
UNIT_TESTS   += $(GUESTS_OUT)/test_guests
TEST_DEPS    += $(GUESTS_OUT)/l2kernel.bin

# --- kernel ---------------------------------------------------------------
$(GUESTS_OUT)/kernel/%.o: guests/kernel/%.c
	@mkdir -p $(@D)
	$(CC) $(GUESTS_CFLAGS) $(GUESTS_KERNEL_RETPOLINE) $(DEPFLAGS) -c $< -o $@

$(patsubst guests/kernel/%.S,$(GUESTS_OUT)/kernel/%.o,$(GUESTS_KERNEL_S)): $(GUESTS_OUT)/kernel/%.o: guests/kernel/%.S
	@mkdir -p $(@D)
	$(CC) $(GUESTS_ASFLAGS) $(DEPFLAGS) -c $< -o $@

# The user image's code size: __user_text_end - L2_USER_BASE, from user.elf.
$(GUESTS_OUT)/kernel/user_image.o: guests/kernel/user_image.S $(GUESTS_OUT)/user.bin
	@mkdir -p $(@D)
	$(CC) $(GUESTS_ASFLAGS) -DGUESTS_USER_BIN='"$(GUESTS_OUT)/user.bin"' \
		-DGUESTS_USER_TEXT_BYTES=$$(( 0x$$($(NM) $(GUESTS_OUT)/user.elf | \
			sed -n 's/^\([0-9a-f]*\) . __user_text_end$$/\1/p') - 0x40000000 )) \
		-c $< -o $@

# -fno-builtin (FREESTANDING_CFLAGS) makes the decoder's per-instruction
# reset a call of the byte-wise memset; the look-ahead decodes after every
# system call, so here the constant-size reset is left to the compiler.
# lib/tramp in the kernel (trampoline=global|process, ktramp*.c).
$(GUESTS_OUT)/tramp/%.o: lib/tramp/%.c
	@mkdir -p $(@D)
	$(CC) $(GUESTS_CFLAGS) $(GUESTS_KERNEL_RETPOLINE) $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/x86dec/%.o: lib/x86dec/%.c
	@mkdir -p $(@D)
	$(CC) $(GUESTS_CFLAGS) $(GUESTS_KERNEL_RETPOLINE) -fno-builtin -fbuiltin $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/lib/string.o: lib/freestanding/string.c
	@mkdir -p $(@D)
	$(CC) $(GUESTS_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/lib/isr_entry.o: lib/freestanding/isr_entry.S
	@mkdir -p $(@D)
	$(CC) $(GUESTS_ASFLAGS) $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/lib/format.o: lib/freestanding/format.c
	@mkdir -p $(@D)
	$(CC) $(GUESTS_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/lib/trace_region.o: lib/trace/trace_region.c
	@mkdir -p $(@D)
	$(CC) $(GUESTS_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/lib/results_writer.o: lib/results/results_writer.c
	@mkdir -p $(@D)
	$(CC) $(GUESTS_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/l2kernel.elf: $(GUESTS_KERNEL_OBJS) guests/kernel/kernel.ld
	$(LD) $(FREESTANDING_LDFLAGS) -T guests/kernel/kernel.ld -o $@ $(GUESTS_KERNEL_OBJS)

$(GUESTS_OUT)/l2kernel.bin: $(GUESTS_OUT)/l2kernel.elf
	$(OBJCOPY) -O binary $< $@

# --- ring-3 workloads -------------------------------------------------------
$(GUESTS_OUT)/user/%.o: guests/workloads/%.c
	@mkdir -p $(@D)
	$(CC) $(GUESTS_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/user/format.o: lib/freestanding/format.c
	@mkdir -p $(@D)
	$(CC) $(GUESTS_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/user/string.o: lib/freestanding/string.c
	@mkdir -p $(@D)
	$(CC) $(GUESTS_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/user.elf: $(GUESTS_USER_OBJS) guests/workloads/user.ld
	$(LD) $(FREESTANDING_LDFLAGS) -T guests/workloads/user.ld -o $@ $(GUESTS_USER_OBJS)

$(GUESTS_OUT)/user.bin: $(GUESTS_OUT)/user.elf
	$(OBJCOPY) -O binary $< $@

# --- host unit tests of the pure modules ------------------------------------
# batch_gen.c (the batching workloads' sequence generator) is checked with
# the hosted x86dec.
$(GUESTS_OUT)/test_guests: $(GUESTS_TEST_C) $(GUESTS_PURE_C) $(BUILD)/x86dec/libx86dec.a
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -Iguests -Ilib -Ilib/x86dec -o $@ $(GUESTS_TEST_C) \
		$(GUESTS_PURE_C) $(BUILD)/x86dec/libx86dec.a $(CRITERION_LIBS)
