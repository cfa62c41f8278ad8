# Host Criterion tests for L1's pure modules (npt, frame_alloc, guest_mem,
# mb_loader): each test executable links its test file with the module's own
# source compiled with HOST_CFLAGS, so the code under test is the code L1
# runs. copy_safe links L1's fault-safe access assembly itself (see below).
# Outputs in $(BUILD)/l1hyp/tests/.

L1TEST_DIR   := $(BUILD)/l1hyp/tests
L1TEST_NAMES := npt frame_alloc guest_mem mb_loader copy_safe

L1TEST_SRC_npt         := l1hyp/mm/npt.c
L1TEST_SRC_frame_alloc := l1hyp/mm/frame_alloc.c
L1TEST_SRC_guest_mem   := l1hyp/core/guest_mem.c
L1TEST_SRC_mb_loader   := l1hyp/boot/mb_loader.c
L1TEST_SRC_copy_safe   :=

L1TEST_BINS := $(addprefix $(L1TEST_DIR)/test_,$(L1TEST_NAMES))
L1TEST_OBJS := $(patsubst %.c,$(L1TEST_DIR)/obj/%.o, \
	$(foreach n,$(L1TEST_NAMES),l1hyp/tests/test_$(n).c $(L1TEST_SRC_$(n))))
L1TEST_CFLAGS := $(HOST_CFLAGS) -Il1hyp

UNIT_TESTS += $(L1TEST_BINS)

$(L1TEST_OBJS): $(L1TEST_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(L1TEST_CFLAGS) $(DEPFLAGS) -c $< -o $@

define L1TEST_LINK_RULE
$(L1TEST_DIR)/test_$(1): $(L1TEST_DIR)/obj/l1hyp/tests/test_$(1).o \
		$(patsubst %.c,$(L1TEST_DIR)/obj/%.o,$(L1TEST_SRC_$(1)))
	$$(HOST_CC) $$(L1TEST_CFLAGS) -o $$@ $$^ $$(CRITERION_LIBS)
endef
$(foreach n,$(L1TEST_NAMES),$(eval $(call L1TEST_LINK_RULE,$(n))))

# copy_safe.S assembled for the host, its .extable renamed to a section
# whose name is a C identifier (writable, for PIE relocations), so the test
# finds the table through the linker's __start_l1_extable/__stop_l1_extable.
L1TEST_COPY_SAFE_OBJ := $(L1TEST_DIR)/obj/copy_safe_host.o

$(L1TEST_COPY_SAFE_OBJ): l1hyp/arch/x86/copy_safe.S
	@mkdir -p $(dir $@)
	$(HOST_CC) -Wa,--noexecstack -c $< -o $@.tmp
	$(OBJCOPY) --rename-section .extable=l1_extable,alloc,load,data,contents $@.tmp $@
	rm -f $@.tmp

$(L1TEST_DIR)/test_copy_safe: $(L1TEST_COPY_SAFE_OBJ)
TEST_SCRIPTS += l1hyp/tests/layout_check.sh
TEST_SCRIPTS += l1hyp/tests/mech_example.sh
TEST_SCRIPTS += l1hyp/tests/l1_config_errors.sh
TEST_SCRIPTS += l1hyp/tests/hostile_l2.sh

# Local APIC model (l1hyp/devices/lapic*.c, docs/platform.md "Local APIC"):
# Criterion tests linked with the model's sources compiled hosted, a
# freestanding build of the same sources checked for foreign symbols
# (lapic_fs_check.sh), and the libFuzzer harness:
#   make lapic-fuzz FUZZ_SECONDS=N   libFuzzer + ASan + UBSan, MMIO/MSR/tick
LAPIC_SRCS       := $(wildcard l1hyp/devices/lapic*.c)
LAPIC_HDRS       := $(wildcard l1hyp/devices/lapic*.h) l1hyp/tests/lapic_test.h
LAPIC_TEST_NAMES := lapic_regs lapic_prio lapic_timer lapic_x2apic lapic_ipi
LAPIC_TESTS      := $(addprefix $(L1TEST_DIR)/test_,$(LAPIC_TEST_NAMES))
LAPIC_FS_OBJS    := $(patsubst %.c,$(BUILD)/l1hyp/devices-fs/%.o,$(LAPIC_SRCS))
LAPIC_FUZZ       := $(L1TEST_DIR)/lapic_fuzz
FUZZ_SECONDS     ?= 60

UNIT_TESTS   += $(LAPIC_TESTS)
TEST_DEPS    += $(LAPIC_FS_OBJS)
TEST_SCRIPTS += l1hyp/tests/lapic_fs_check.sh

$(LAPIC_TESTS): $(L1TEST_DIR)/test_%: l1hyp/tests/test_%.c $(LAPIC_SRCS) $(LAPIC_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Il1hyp -o $@ $< $(LAPIC_SRCS) $(CRITERION_LIBS)

$(LAPIC_FS_OBJS): $(BUILD)/l1hyp/devices-fs/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(LAPIC_FUZZ): l1hyp/tests/lapic_fuzz.c $(LAPIC_SRCS) $(LAPIC_HDRS)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -O1 -g -Iinclude -Il1hyp -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o $@ l1hyp/tests/lapic_fuzz.c $(LAPIC_SRCS)

.PHONY: lapic-fuzz
lapic-fuzz: $(LAPIC_FUZZ)
	@mkdir -p $(L1TEST_DIR)/lapic-fuzz-corpus
	nice -n 19 $(LAPIC_FUZZ) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(L1TEST_DIR)/ $(L1TEST_DIR)/lapic-fuzz-corpus
