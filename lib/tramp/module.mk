# lib/tramp: inlined call trampolines (tramp.h, docs/tramp.md): the
# generator, the hot-set selection and the regeneration policy, pure C for L1, the L2 kernel and the
# host. Host Criterion test: every emitted instruction decoded with
# lib/x86dec, and the trampolines run natively against real call tables.

TRAMP_DIR   := lib/tramp
TRAMP_SRCS  := $(TRAMP_DIR)/tramp_gen.c $(TRAMP_DIR)/tramp_select.c $(TRAMP_DIR)/tramp_policy.c
TRAMP_TEST  := $(BUILD)/tramp/test_tramp

TRAMP_POLICY_TEST := $(BUILD)/tramp/test_tramp_policy

UNIT_TESTS += $(TRAMP_TEST) $(TRAMP_POLICY_TEST)

# The regeneration policy (tramp_policy.c), shared by L1 and the L2 kernel.
$(TRAMP_POLICY_TEST): $(TRAMP_DIR)/tests/test_tramp_policy.c $(TRAMP_DIR)/tramp_policy.c $(TRAMP_DIR)/tramp_select.c $(TRAMP_DIR)/tramp.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c,$^) $(CRITERION_LIBS)

# lib/x86dec by name: its module.mk may come after this one
TRAMP_X86DEC := $(wildcard lib/x86dec/x86dec_*.c) lib/x86dec/x86emu.c

$(TRAMP_TEST): $(TRAMP_DIR)/tests/test_tramp.c $(TRAMP_SRCS) $(TRAMP_X86DEC) $(TRAMP_DIR)/tramp.h $(TRAMP_DIR)/tests/tramp_native.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c,$^) $(CRITERION_LIBS)

# make tramp-bench: the native dispatch benchmark (tests/tramp_bench.c).
TRAMP_BENCH := $(BUILD)/tramp/tramp_bench
BENCH_TARGETS += $(TRAMP_BENCH)

$(TRAMP_BENCH): $(TRAMP_DIR)/tests/tramp_bench.c $(TRAMP_SRCS) $(TRAMP_DIR)/tramp.h $(TRAMP_DIR)/tests/tramp_native.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -O2 -o $@ $(filter %.c,$^) -lm

.PHONY: tramp-bench
tramp-bench: $(TRAMP_BENCH)
	$(TRAMP_BENCH)
