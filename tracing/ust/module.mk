# tracing/ust: the trace collector (host side of the trace rings of
# include/nestlab/trace.h). The pure library (TRACE_LIB_OBJS) is linked
# into the launcher; libnestlab-ust.so, the LTTng-UST provider, sink and
# clock plugin, is dlopen'ed by the collector process only. The provider
# header is generated from NESTLAB_TRACE_EVENTS by gen_tp. Tests:
# Criterion unit tests, the overload test, the ASan+UBSan fuzz slice (in
# `make test`), `make trace-fuzz` (2*10^7 corrupt records), `make
# trace-bench` (records/s through LTTng), trace-e2e (no QEMU).

TRACE_DIR    := tracing/ust
TRACE_OUT    := $(BUILD)/tracing/ust
TRACE_GEN    := $(TRACE_OUT)/gen
TRACE_CFLAGS := $(HOST_CFLAGS) -I$(TRACE_DIR)
TRACE_LIB_SRCS := trace_args.c trace_map.c trace_dir.c trace_record.c trace_ring.c \
	trace_clock.c trace_collect.c trace_stats.c trace_ust.c trace_child.c
TRACE_LIB_OBJS := $(addprefix $(TRACE_OUT)/,$(TRACE_LIB_SRCS:.c=.o))
TRACE_FAKE_OBJ := $(TRACE_OUT)/trace_fake.o
TRACE_UST_SO   := $(BUILD)/tracing/libnestlab-ust.so
TRACE_LIBS     := -ldl -lpthread

TRACE_TEST_NAMES := test_trace_args test_trace_dir test_trace_ring test_trace_collect \
	test_trace_overload
TRACE_TESTS  := $(addprefix $(TRACE_OUT)/,$(TRACE_TEST_NAMES))
TRACE_FUZZ   := $(TRACE_OUT)/test_trace_fuzz
TRACE_E2E    := $(TRACE_OUT)/trace-e2e
TRACE_BENCH  := $(TRACE_OUT)/trace-bench
TRACE_FUZZ_CFLAGS := -std=gnu11 -O1 -g -Iinclude -I$(TRACE_DIR) -D_GNU_SOURCE \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

ALL_TARGETS   += $(TRACE_UST_SO)
UNIT_TESTS    += $(TRACE_TESTS) $(TRACE_FUZZ)
TEST_DEPS     += $(TRACE_UST_SO) $(TRACE_E2E)
BENCH_TARGETS += $(TRACE_BENCH)

$(TRACE_OUT)/%.o: $(TRACE_DIR)/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(TRACE_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(TRACE_OUT)/gen_tp: $(TRACE_DIR)/gen_tp.c include/nestlab/trace.h include/nestlab/exit_reason.h
	@mkdir -p $(@D)
	$(HOST_CC) $(TRACE_CFLAGS) -o $@ $<

$(TRACE_GEN)/nestlab_tp.h $(TRACE_GEN)/nestlab_tp_emit.h &: $(TRACE_OUT)/gen_tp
	@mkdir -p $(TRACE_GEN)
	$(TRACE_OUT)/gen_tp $(TRACE_GEN)/nestlab_tp.h $(TRACE_GEN)/nestlab_tp_emit.h

# LTTng-UST's macros trip -Wextra's missing-field-initializers; keep -Werror otherwise.
$(TRACE_OUT)/ust_sink.pic.o: $(TRACE_DIR)/ust_sink.c $(TRACE_GEN)/nestlab_tp.h $(TRACE_GEN)/nestlab_tp_emit.h
	@mkdir -p $(@D)
	$(HOST_CC) $(TRACE_CFLAGS) -Wno-missing-field-initializers -I$(TRACE_GEN) -fPIC \
		$(DEPFLAGS) -c -o $@ $<

$(TRACE_UST_SO): $(TRACE_OUT)/ust_sink.pic.o
	@mkdir -p $(@D)
	$(HOST_CC) -shared -o $@ $^ -llttng-ust -ldl

$(TRACE_TESTS): $(TRACE_OUT)/%: $(TRACE_OUT)/tests/%.o $(TRACE_LIB_OBJS) $(TRACE_FAKE_OBJ)
	$(HOST_CC) $(TRACE_CFLAGS) -o $@ $^ $(CRITERION_LIBS) $(TRACE_LIBS)

$(TRACE_OUT)/tests/%.o: $(TRACE_DIR)/tests/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(TRACE_CFLAGS) $(DEPFLAGS) -c -o $@ $<

TRACE_FUZZ_SRCS := $(TRACE_DIR)/tests/test_trace_fuzz.c $(TRACE_DIR)/trace_dir.c \
	$(TRACE_DIR)/trace_record.c $(TRACE_DIR)/trace_ring.c $(TRACE_DIR)/trace_clock.c \
	$(TRACE_DIR)/trace_collect.c $(TRACE_DIR)/trace_map.c $(TRACE_DIR)/trace_fake.c
$(TRACE_FUZZ): $(TRACE_FUZZ_SRCS) $(wildcard $(TRACE_DIR)/*.h) include/nestlab/trace.h
	@mkdir -p $(@D)
	clang $(TRACE_FUZZ_CFLAGS) -o $@ $(TRACE_FUZZ_SRCS) $(CRITERION_LIBS)

$(TRACE_E2E): $(TRACE_OUT)/tests/trace_e2e.o $(TRACE_LIB_OBJS) $(TRACE_FAKE_OBJ)
	$(HOST_CC) $(TRACE_CFLAGS) -o $@ $^ $(TRACE_LIBS)

$(TRACE_BENCH): $(TRACE_OUT)/tests/trace_bench.o $(TRACE_LIB_OBJS) $(TRACE_FAKE_OBJ)
	$(HOST_CC) $(TRACE_CFLAGS) -o $@ $^ $(TRACE_LIBS)

.PHONY: trace-fuzz trace-bench
trace-fuzz: $(TRACE_FUZZ)
	NESTLAB_TRACE_FUZZ_RECORDS=$${NESTLAB_TRACE_FUZZ_RECORDS:-20000000} $(TRACE_FUZZ) --jobs 1

trace-bench: $(TRACE_BENCH) $(TRACE_UST_SO) $(BUILD)/nestlab
	$(TRACE_DIR)/tests/trace_bench.sh $(TRACE_BENCH) $(TRACE_UST_SO) $(BUILD)/nestlab

# The launcher and its tests link the collector library (l0/module.mk is read first).
$(BUILD)/nestlab $(L0_TESTS): $(TRACE_LIB_OBJS)
