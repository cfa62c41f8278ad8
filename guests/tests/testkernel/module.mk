# The test kernel (guests/tests/testkernel/, docs/platform.md "The test
# kernel"): a freestanding multiboot v1 ELF32 kernel, no a.out kludge,
# $(BUILD)/guests/testkernel.elf. Its objects are 64-bit; the image is
# linked as elf64-x86-64 and converted with objcopy, because QEMU's -kernel
# multiboot loader refuses ELF64 files. Run by
# tests/integration/testkernel.sh at level 1 and level 2.

TK_SRC    := guests/tests/testkernel
TK_OUT    := $(BUILD)/guests/testkernel
TK_CFLAGS := $(FREESTANDING_CFLAGS) -Ilib -fno-tree-loop-distribute-patterns
TK_C      := $(wildcard $(TK_SRC)/*.c)
TK_OBJS   := $(patsubst $(TK_SRC)/%.c,$(TK_OUT)/%.o,$(TK_C)) \
	$(TK_OUT)/boot.o $(TK_OUT)/entry.o $(TK_OUT)/format.o $(TK_OUT)/string.o

ALL_TARGETS += $(BUILD)/guests/testkernel.elf
TEST_DEPS   += $(BUILD)/guests/testkernel.elf

$(TK_OUT)/%.o: $(TK_SRC)/%.c
	@mkdir -p $(@D)
	$(CC) $(TK_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(TK_OUT)/boot.o $(TK_OUT)/entry.o: $(TK_OUT)/%.o: $(TK_SRC)/%.S
	@mkdir -p $(@D)
	$(CC) $(FREESTANDING_ASFLAGS) $(DEPFLAGS) -c $< -o $@

$(TK_OUT)/format.o $(TK_OUT)/string.o: $(TK_OUT)/%.o: lib/freestanding/%.c
	@mkdir -p $(@D)
	$(CC) $(TK_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(TK_OUT)/testkernel64.elf: $(TK_OBJS) $(TK_SRC)/testkernel.ld
	$(LD) $(FREESTANDING_LDFLAGS) -T $(TK_SRC)/testkernel.ld -o $@ $(TK_OBJS)

$(BUILD)/guests/testkernel.elf: $(TK_OUT)/testkernel64.elf
	$(OBJCOPY) -O elf32-i386 $< $@
