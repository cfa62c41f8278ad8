# lib/x86dec: x86-64 decoder + mini-emulator (docs/x86dec.md).
# Builds the library hosted (tests, tools) and freestanding
# ($(BUILD)/x86dec/libx86dec-fs.a for L1 and the L2 kernel), its Criterion
# tests, the Zydis differential campaign, the libFuzzer harness and the
# benchmark. Every output is under $(BUILD)/x86dec/.
#   make x86dec-campaign [X86DEC_N=10000000]   full differential campaign
#   make x86dec-fuzz FUZZ_SECONDS=N             libFuzzer + ASan + UBSan
#   make x86dec-bench                           throughput, ours vs Zydis
#   make x86dec-regen                           regenerate x86dec_tables.c

X86DEC_DIR   := lib/x86dec
X86DEC_BUILD := $(BUILD)/x86dec
X86DEC_SRCS  := $(X86DEC_DIR)/x86dec_decode.c $(X86DEC_DIR)/x86dec_form.c \
	$(X86DEC_DIR)/x86emu.c $(X86DEC_DIR)/x86dec_tables.c
X86DEC_HOST_OBJS := $(patsubst $(X86DEC_DIR)/%.c,$(X86DEC_BUILD)/host/%.o,$(X86DEC_SRCS))
X86DEC_FS_OBJS   := $(patsubst $(X86DEC_DIR)/%.c,$(X86DEC_BUILD)/fs/%.o,$(X86DEC_SRCS))
X86DEC_FS_LIB    := $(X86DEC_BUILD)/libx86dec-fs.a
X86DEC_HOST_LIB  := $(X86DEC_BUILD)/libx86dec.a
X86DEC_ZYDIS     := -lZydis
X86DEC_TEST_NAMES := test_x86dec_decode test_x86dec_diff test_x86emu_native
X86DEC_TESTS := $(addprefix $(X86DEC_BUILD)/,$(X86DEC_TEST_NAMES))
X86DEC_CAMPAIGN := $(X86DEC_BUILD)/x86dec_campaign
X86DEC_BENCH := $(X86DEC_BUILD)/x86dec_bench
X86DEC_FUZZ  := $(X86DEC_BUILD)/x86dec_fuzz
X86DEC_N     ?= 10000000
FUZZ_SECONDS ?= 60
X86DEC_ELFS  := /usr/lib/x86_64-linux-gnu/libc.so.6 /usr/bin/bash /usr/bin/gcc \
	/usr/bin/qemu-system-x86_64 /usr/lib/x86_64-linux-gnu/libZydis.so.4.0.0.0

ALL_TARGETS   += $(X86DEC_FS_LIB) $(X86DEC_HOST_LIB)
UNIT_TESTS    += $(X86DEC_TESTS)
TEST_SCRIPTS  += $(X86DEC_DIR)/tests/x86dec_nm_check.sh
TEST_DEPS     += $(X86DEC_FS_LIB)
BENCH_TARGETS += $(X86DEC_BENCH)

$(X86DEC_BUILD)/host/%.o: $(X86DEC_DIR)/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(X86DEC_BUILD)/fs/%.o: $(X86DEC_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(X86DEC_FS_LIB): $(X86DEC_FS_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(X86DEC_HOST_LIB): $(X86DEC_HOST_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(X86DEC_BUILD)/tests/%.o: $(X86DEC_DIR)/tests/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(X86DEC_BUILD)/bench/%.o: $(X86DEC_DIR)/bench/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(X86DEC_BUILD)/test_x86dec_decode: $(X86DEC_BUILD)/tests/test_x86dec_decode.o $(X86DEC_HOST_LIB)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ $(CRITERION_LIBS)

$(X86DEC_BUILD)/test_x86dec_diff: $(X86DEC_BUILD)/tests/test_x86dec_diff.o \
		$(X86DEC_BUILD)/tests/x86dec_diffcore.o $(X86DEC_HOST_LIB)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ $(CRITERION_LIBS) $(X86DEC_ZYDIS)

$(X86DEC_BUILD)/test_x86emu_native: $(X86DEC_BUILD)/tests/test_x86emu_native.o $(X86DEC_HOST_LIB)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ $(CRITERION_LIBS)

$(X86DEC_CAMPAIGN): $(X86DEC_BUILD)/tests/x86dec_campaign.o $(X86DEC_BUILD)/tests/x86dec_diffcore.o \
		$(X86DEC_HOST_LIB)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ $(X86DEC_ZYDIS)

$(X86DEC_BENCH): $(X86DEC_BUILD)/bench/x86dec_bench.o $(X86DEC_HOST_LIB)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ $(X86DEC_ZYDIS)

# libFuzzer build: clang, ASan + UBSan, library sources compiled in.
$(X86DEC_FUZZ): $(X86DEC_DIR)/tests/x86dec_fuzz.c $(X86DEC_SRCS) $(wildcard $(X86DEC_DIR)/*.h)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -O1 -g -Iinclude -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o $@ $(X86DEC_DIR)/tests/x86dec_fuzz.c $(X86DEC_SRCS)

$(X86DEC_BUILD)/gen_tables: $(X86DEC_DIR)/tests/x86dec_gen_tables.c $(X86DEC_DIR)/x86dec_tables.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -I$(X86DEC_DIR) -o $@ $< $(X86DEC_ZYDIS)

.PHONY: x86dec-campaign x86dec-fuzz x86dec-bench x86dec-regen

x86dec-campaign: $(X86DEC_CAMPAIGN)
	nice -n 10 $(X86DEC_CAMPAIGN) -n $(X86DEC_N) -l $(X86DEC_BUILD)/campaign-disagreements.log $(X86DEC_ELFS)

x86dec-fuzz: $(X86DEC_FUZZ)
	@mkdir -p $(X86DEC_BUILD)/fuzz-corpus
	nice -n 19 $(X86DEC_FUZZ) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(X86DEC_BUILD)/ $(X86DEC_BUILD)/fuzz-corpus

x86dec-bench: $(X86DEC_BENCH)
	$(X86DEC_BENCH)

# written to a temporary first: a generator that stops (a register rule it
# does not understand) leaves the committed tables alone
x86dec-regen: $(X86DEC_BUILD)/gen_tables
	$(X86DEC_BUILD)/gen_tables > $(X86DEC_BUILD)/x86dec_tables.c.new
	mv $(X86DEC_BUILD)/x86dec_tables.c.new $(X86DEC_DIR)/x86dec_tables.c
