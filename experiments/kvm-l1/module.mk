# experiments/kvm-l1: Linux KVM as a second L1, the reference design
# (docs/kvm-l1.md). The VMM, $(BUILD)/kvm-l1/nestlab-kvm-vmm, is hosted C
# linked statically (it runs in an initramfs with nothing else), from its
# own files plus the pure modules nestlab's L1 uses (multiboot loader,
# hypercall dispatcher, exit accounting, UART, console, guest page-table
# walker, results writer). `make kvm-l1` also builds the initramfs and
# fetches Debian's kernel (mkinitramfs.sh, apt-get download, cached in
# $(BUILD)/kvm-l1/); plain `make` and `make test` build only the VMM and
# its unit tests, and tests/integration/kvm_l1.sh builds the rest on first
# use (or SKIPs when the packages cannot be had).

KVML1_DIR   := experiments/kvm-l1
KVML1_OUT   := $(BUILD)/kvm-l1
KVML1_VMM   := $(KVML1_OUT)/nestlab-kvm-vmm
KVML1_PURE  := $(KVML1_DIR)/kvm_exits.c $(KVML1_DIR)/vmm_boot.c $(KVML1_DIR)/vmm_config.c \
	$(KVML1_DIR)/vmm_core.c $(KVML1_DIR)/vmm_cpuid.c \
	l1hyp/boot/mb_loader.c l1hyp/core/hypercall.c l1hyp/core/exit_stats.c \
	l1hyp/devices/uart_emul.c l1hyp/core/l2_console.c l1hyp/core/guest_mem.c \
	lib/results/results_writer.c
KVML1_SRCS  := $(KVML1_PURE) $(KVML1_DIR)/vmm_kvm.c $(KVML1_DIR)/vmm_tracefs.c \
	$(KVML1_DIR)/vmm_main.c
KVML1_OBJS  := $(patsubst %.c,$(KVML1_OUT)/obj/%.o,$(KVML1_SRCS))
KVML1_PURE_OBJS := $(patsubst %.c,$(KVML1_OUT)/obj/%.o,$(KVML1_PURE))
KVML1_TEST  := $(KVML1_OUT)/test_kvm_l1
KVML1_TEST_C := $(wildcard $(KVML1_DIR)/tests/test_*.c)

ALL_TARGETS += $(KVML1_VMM)
UNIT_TESTS  += $(KVML1_TEST)
TEST_SCRIPTS += tests/integration/kvm_l1.sh
TEST_DEPS   += $(KVML1_VMM) $(KVML1_DIR)/init.sh $(KVML1_DIR)/mkinitramfs.sh

$(KVML1_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(KVML1_VMM): $(KVML1_OBJS)
	$(HOST_CC) -static -o $@ $^

$(KVML1_TEST): $(KVML1_TEST_C) $(KVML1_PURE_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -I$(KVML1_DIR) -o $@ $^ $(CRITERION_LIBS)

# The L1 Linux: Debian's kernel and the initramfs (cached; the script
# rebuilds what its inputs changed). KVML1_KERNEL_PKG picks the package
# (default: what linux-image-amd64 depends on).
.PHONY: kvm-l1
kvm-l1: $(KVML1_VMM)
	@scripts/deps.sh kvm-l1
	@$(KVML1_DIR)/mkinitramfs.sh --out $(KVML1_OUT) --vmm $(KVML1_VMM) \
		$(if $(KVML1_KERNEL_PKG),--kernel-pkg $(KVML1_KERNEL_PKG))
