# l0/: the `nestlab` launcher ($(BUILD)/nestlab) and its Criterion tests.
# Hosted C; every object goes under $(BUILD)/l0/.

L0_BUILD := $(BUILD)/l0
L0_SRCS  := l0/accel.c l0/cli.c l0/cli_mbec.c l0/cli_interpose.c l0/cli_l1tramp.c l0/cli_ktramp.c l0/cli_batch.c \
	l0/batch_console.c l0/l2_counters.c l0/expect_ktramp.c l0/expect_batch.c l0/expect_l1_batch.c l0/cli_expect.c l0/cmd_expect.c l0/cmd_run.c \
	l0/expect.c l0/kvm_l1.c l0/outcome.c l0/paths.c l0/qemu_cmdline.c l0/results_json.c \
	l0/results_parse.c l0/run.c l0/status_names.c l0/table.c l0/trace_session.c \
	l0/json_read.c l0/trace_tally.c l0/trace_read.c l0/cmd_trace_stats.c
# `nestlab bench` and `bench-compare` (docs/bench.md): jansson for JSON,
# inih for the experiment files.
L0_SRCS  += l0/bench_exp.c l0/bench_exp_keys.c l0/bench_exp_check.c l0/bench_expr.c \
	l0/bench_matrix.c l0/bench_plan.c l0/bench_exec.c l0/bench_collect.c \
	l0/bench_manifest.c l0/bench_suite.c l0/bench_util.c l0/cmd_bench.c \
	l0/cmd_bench_compare.c
L0_LIBS  := -ljansson -linih -lm
L0_OBJS  := $(patsubst l0/%.c,$(L0_BUILD)/%.o,$(L0_SRCS))
# lib/tramp's selection and policy: `nestlab expect`'s trampoline model
# (expect_ktramp.c) runs the kernel's own policy over a workload's calls.
L0_OBJS  += $(L0_BUILD)/lib_tramp_select.o $(L0_BUILD)/lib_tramp_policy.o $(L0_BUILD)/lib_tramp_ledger.o
L0_TEST_NAMES := test_cli test_accel test_qemu_cmdline test_results_parse \
	test_results_json test_outcome test_expect test_cli_expect test_json_read test_trace_tally \
	test_bench_exp test_bench_matrix test_kvm_l1 test_batch test_ktramp
L0_TESTS := $(addprefix $(L0_BUILD)/,$(L0_TEST_NAMES))

ALL_TARGETS  += $(BUILD)/nestlab
UNIT_TESTS   += $(L0_TESTS)
TEST_SCRIPTS += l0/tests/cli.sh l0/tests/run_fake.sh l0/tests/bench_fake.sh \
	tests/integration/bench.sh
TEST_DEPS    += $(BUILD)/nestlab

$(L0_BUILD)/%.o: l0/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -Il0 -Itracing/ust -c -o $@ $<

$(L0_BUILD)/lib_tramp_%.o: lib/tramp/tramp_%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/nestlab: $(L0_OBJS) $(L0_BUILD)/main.o
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LDLIBS) $(TRACE_LIBS) -lbabeltrace2 $(L0_LIBS)

$(L0_TESTS): $(L0_BUILD)/%: $(L0_BUILD)/tests/%.o $(L0_OBJS)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LDLIBS) $(CRITERION_LIBS) $(TRACE_LIBS) -lbabeltrace2 $(L0_LIBS)
