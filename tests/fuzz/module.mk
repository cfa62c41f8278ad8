# tests/fuzz/: nestlab's hostile-guest fuzzer for L1 (docs/fuzz-l1.md).
#   guest/   the L2 test guest: a flat multiboot image, $(BUILD)/fuzz/fuzz-guest.bin
#   tools/   host tools: fuzzimg (embeds a command line in a copy of the
#            image), mkimages (malformed multiboot images), l1check (L1
#            integrity in a run's guest-RAM file)
#   unit/    Criterion tests of the guest's pure modules
#   campaign.sh   a campaign through the launcher (make fuzz-l1)
#
#   make fuzz-l1 [BLOCKS=N] [SEED=S] [HCALLS=N] [IMAGES=N] [PER_RUN=N] [JOBS=N]
#   make fuzz-l1 REPLAY=seed:block [CPL=0|3|mix] [NPT=eager|lazy] [TMPL=list]
#   make fuzz-l1 REPLAY=h:seed:index [TRANSPORT=vmmcall|backdoor|mix]
#   fuzz_smoke.sh the seeded slice `make test` runs

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
TEST_SCRIPTS += tests/fuzz/fuzz_smoke.sh
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

# The campaign (docs/fuzz-l1.md). Every variable is optional; NPT and
# TRANSPORT are passed on only when given on the command line (the top
# Makefile's defaults are for `make run`).
FUZZ_VARS := BLOCKS SEED PER_RUN HC_PER_RUN HCALLS IMAGES REPLAY CPL TMPL CHECKS AVOID JOBS FUZZ_DIR
.PHONY: fuzz-l1
fuzz-l1:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory build
	@env BUILD=$(BUILD) $(foreach v,$(FUZZ_VARS),$(if $($(v)),$(v)='$($(v))')) \
		$(foreach v,NPT TRANSPORT,$(if $(filter command line environment,$(origin $(v))),$(v)='$($(v))')) \
		tests/fuzz/campaign.sh
