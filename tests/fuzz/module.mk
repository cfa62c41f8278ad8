# tests/fuzz/: nestlab's hostile-guest fuzzer for L1 (docs/fuzz-l1.md).
#   guest/   the L2 test guest: a flat multiboot image, $(BUILD)/fuzz/fuzz-guest.bin
#   tools/   host tools: fuzzimg (embeds a command line in a copy of the
#            image), mkimages (malformed multiboot images), l1check (L1
#            integrity in a run's guest-RAM file)
#   unit/    Criterion tests of the guest's pure modules

FUZZ_OUT       := $(BUILD)/fuzz
FUZZ_GUEST_C   := $(wildcard tests/fuzz/guest/*.c)
FUZZ_GUEST_S   := $(wildcard tests/fuzz/guest/*.S)
FUZZ_CFLAGS    := $(FREESTANDING_CFLAGS) -Ilib -Ilib/x86dec -fno-tree-loop-distribute-patterns
FUZZ_ASFLAGS   := $(FREESTANDING_ASFLAGS)
FUZZ_GUEST_OBJS := $(patsubst tests/fuzz/guest/%.c,$(FUZZ_OUT)/guest/%.o,$(FUZZ_GUEST_C)) \
	$(patsubst tests/fuzz/guest/%.S,$(FUZZ_OUT)/guest/%.o,$(FUZZ_GUEST_S)) \
	$(FUZZ_OUT)/lib/string.o $(FUZZ_OUT)/lib/format.o
FUZZ_IMAGE     := $(FUZZ_OUT)/fuzz-guest.bin
FUZZ_TOOLS     := $(FUZZ_OUT)/fuzzimg $(FUZZ_OUT)/mkimages $(FUZZ_OUT)/l1check
FUZZ_PURE_C    := tests/fuzz/guest/gen.c tests/fuzz/guest/tmpl.c tests/fuzz/guest/cmdline.c \
	tests/fuzz/guest/hcmodel.c lib/freestanding/format.c
FUZZ_TEST      := $(FUZZ_OUT)/test_fuzz

ALL_TARGETS  += $(FUZZ_IMAGE) $(FUZZ_TOOLS)
UNIT_TESTS   += $(FUZZ_TEST)
TEST_DEPS    += $(FUZZ_IMAGE) $(FUZZ_TOOLS) $(BUILD)/nestlab $(BUILD)/l1hyp/l1hyp.bin \
	$(BUILD)/guests/l2kernel.bin

$(FUZZ_OUT)/guest/%.o: tests/fuzz/guest/%.c
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(FUZZ_OUT)/guest/%.o: tests/fuzz/guest/%.S
	@mkdir -p $(@D)
	$(CC) $(FUZZ_ASFLAGS) $(DEPFLAGS) -c $< -o $@

$(FUZZ_OUT)/lib/%.o: lib/freestanding/%.c
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(FUZZ_OUT)/fuzz-guest.elf: $(FUZZ_GUEST_OBJS) $(X86DEC_FS_LIB) tests/fuzz/guest/fuzz.ld
	$(LD) $(FREESTANDING_LDFLAGS) -T tests/fuzz/guest/fuzz.ld -o $@ $(FUZZ_GUEST_OBJS) $(X86DEC_FS_LIB)

$(FUZZ_IMAGE): $(FUZZ_OUT)/fuzz-guest.elf
	$(OBJCOPY) -O binary $< $@

$(FUZZ_OUT)/%: tests/fuzz/tools/%.c tests/fuzz/fuzz_abi.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -Itests/fuzz -o $@ $<

$(FUZZ_TEST): $(wildcard tests/fuzz/unit/test_*.c) $(FUZZ_PURE_C) $(X86DEC_HOST_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ilib -Ilib/x86dec -Itests/fuzz/guest -o $@ \
		$(wildcard tests/fuzz/unit/test_*.c) $(FUZZ_PURE_C) $(X86DEC_HOST_LIB) $(CRITERION_LIBS)

