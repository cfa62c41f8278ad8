# Criterion unit tests for L1's core pure modules and the shared freestanding
# libraries, built hosted from the very same sources L1 links.

UNIT_CORE_TESTS := hypercall exit_stats uart_emul l1_config results_writer format

UNIT_CORE_SRCS_hypercall      := l1hyp/core/hypercall.c l1hyp/core/exit_stats.c lib/results/results_writer.c
UNIT_CORE_SRCS_exit_stats     := l1hyp/core/exit_stats.c lib/results/results_writer.c
UNIT_CORE_SRCS_uart_emul      := l1hyp/core/uart_emul.c l1hyp/core/l2_console.c
UNIT_CORE_SRCS_l1_config      := l1hyp/core/l1_config.c
UNIT_CORE_SRCS_results_writer := lib/results/results_writer.c
UNIT_CORE_SRCS_format         := lib/freestanding/format.c

define UNIT_CORE_RULE
$(BUILD)/tests/unit/test_$(1): tests/unit/test_$(1).c $(UNIT_CORE_SRCS_$(1))
	@mkdir -p $$(dir $$@)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $$@ $$(filter %.c,$$^) $(CRITERION_LIBS)
UNIT_TESTS += $(BUILD)/tests/unit/test_$(1)
endef
$(foreach t,$(UNIT_CORE_TESTS),$(eval $(call UNIT_CORE_RULE,$(t))))
