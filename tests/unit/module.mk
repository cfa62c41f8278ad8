# Criterion unit tests for L1's core pure modules and the shared freestanding
# libraries, built hosted from the very same sources L1 links; the generic
# exit path runs against a fake vendor backend.

UNIT_CORE_TESTS := hypercall exit_stats uart_emul l1_config results_writer format \
                   exit_table msr_table guest_insn svm_msrpm error_codes cr_rules svm_check \
                   trace_producer trace_l1 io_bus fw_cfg pic pit mmio syscall_emul \
                   exit_tramp_policy swint_insn

UNIT_CORE_SRCS_hypercall      := l1hyp/core/hypercall.c l1hyp/core/exit_stats.c lib/results/results_writer.c
UNIT_CORE_SRCS_exit_stats     := l1hyp/core/exit_stats.c lib/results/results_writer.c
UNIT_CORE_SRCS_uart_emul      := l1hyp/devices/uart_emul.c l1hyp/core/l2_console.c
UNIT_CORE_SRCS_l1_config      := l1hyp/core/l1_config.c lib/trace/trace_region.c
UNIT_CORE_SRCS_results_writer := lib/results/results_writer.c
UNIT_CORE_SRCS_format         := lib/freestanding/format.c
# Generic exit-path code against the fake vendor (tests/unit/fake_vendor.c).
UNIT_FAKE_VENDOR              := tests/unit/fake_vendor.c l1hyp/core/vcpu_state.c \
                                 lib/freestanding/format.c
UNIT_CORE_SRCS_exit_table     := l1hyp/core/exit_table.c tests/unit/fake_slot.c $(UNIT_FAKE_VENDOR)
# The trampoline's regeneration policy, with lib/tramp's selection.
UNIT_CORE_SRCS_exit_tramp_policy := l1hyp/core/exit_tramp_policy.c lib/tramp/tramp_select.c \
	lib/tramp/tramp_policy.c
UNIT_CORE_SRCS_msr_table      := l1hyp/core/msr_table.c l1hyp/core/msr_efer.c $(UNIT_FAKE_VENDOR)
UNIT_CORE_SRCS_guest_insn     := l1hyp/core/guest_insn.c l1hyp/core/guest_mem.c \
                                 $(wildcard lib/x86dec/*.c) $(UNIT_FAKE_VENDOR)
# INT n at an INTn-intercept exit: decode, the gate check, the event.
UNIT_CORE_SRCS_swint_insn     := l1hyp/core/swint_insn.c l1hyp/core/guest_insn.c \
                                 l1hyp/core/guest_mem.c $(wildcard lib/x86dec/*.c) \
                                 $(UNIT_FAKE_VENDOR)
UNIT_CORE_SRCS_svm_msrpm      := l1hyp/arch/x86/svm_msrpm.c
UNIT_CORE_SRCS_cr_rules       := l1hyp/core/cr_rules.c
UNIT_CORE_SRCS_syscall_emul   := l1hyp/core/syscall_emul.c
UNIT_CORE_SRCS_svm_check      := l1hyp/arch/x86/svm_check.c
UNIT_CORE_SRCS_trace_producer :=
# L1's exit record against the collector's check and decoding.
UNIT_CORE_SRCS_trace_l1       := tracing/ust/trace_record.c
UNIT_CORE_SRCS_io_bus         := l1hyp/core/io_bus.c
UNIT_CORE_SRCS_mmio           := l1hyp/core/mmio_bus.c l1hyp/core/mmio_insn.c $(wildcard lib/x86dec/*.c)
UNIT_CORE_SRCS_fw_cfg         := l1hyp/devices/fw_cfg_model.c
UNIT_CORE_SRCS_pic            := l1hyp/devices/pic_model.c
UNIT_CORE_SRCS_pit            := l1hyp/devices/pit_model.c
UNIT_CORE_SRCS_error_codes    := l1hyp/core/guest_mem.c l1hyp/core/guest_insn.c \
                                 l1hyp/core/msr_table.c l1hyp/core/msr_efer.c \
                                 l1hyp/core/exit_table.c tests/unit/fake_slot.c \
                                 l1hyp/core/exit_stats.c \
                                 l1hyp/mm/npt.c l1hyp/mm/npt_view.c l1hyp/boot/mb_loader.c guests/kernel/pt.c l1hyp/core/io_bus.c \
                                 guests/kernel/kmod_load.c guests/kernel/kmod_sym.c \
                                 guests/kernel/kmod_reloc.c \
                                 l1hyp/core/mmio_bus.c lib/tramp/tramp_gen.c \
                                 $(wildcard l1hyp/devices/lapic*.c) \
                                 lib/results/results_writer.c $(wildcard lib/x86dec/*.c) \
                                 $(UNIT_FAKE_VENDOR)

define UNIT_CORE_RULE
$(BUILD)/tests/unit/test_$(1): tests/unit/test_$(1).c $(UNIT_CORE_SRCS_$(1))
	@mkdir -p $$(dir $$@)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $$@ $$(filter %.c,$$^) $(CRITERION_LIBS)
UNIT_TESTS += $(BUILD)/tests/unit/test_$(1)
endef
$(foreach t,$(UNIT_CORE_TESTS),$(eval $(call UNIT_CORE_RULE,$(t))))
