# QEMU integration tests (TCG, deterministic icount), one script per concern,
# each sourcing tests/integration/lib.sh; the expected exits and statuses come
# from the workloads' exit model via `nestlab expect`:
#   nested_exits.sh     L0 -> L1 -> L2 through the launcher: exact phase exits
#   nested_failures.sh  the negative tests' statuses and diagnoses at level 2
#   l1_direct.sh        L1's own failures (no SVM, no NPT, bad L1 command line)
#   level1.sh           every workload on QEMU alone, bad L2 command lines
#   trace.sh            --trace end to end: collector, LTTng, trace-stats --check
#   testkernel.sh       the test kernel's lines at level 1 and level 2, identical
#   mbec.sh             L1's MBEC emulation with the kernel's policy: the probes under
#                       each violation policy, mbec-errors, exact view-switch counts
#   kmod.sh             --l2-module: the hello module at both levels, broken modules
#   retpoline.sh        the L2 kernel's retpolines on and off: same results, fewer ticks off
#   kernel_tramp.sh     the L2 kernel's system-call trampoline (trampoline=global|process):
#                       the same exits and results off, global and process, the results
#                       counters by `nestlab expect`'s model, the dispatch workloads, multi's
#                       per-process frames and per-process beating global in hit rate
#   batching.sh         decoded-syscall batching: exact batches, the same final state with it
#                       off and on, exits saved under MBEC
#   batching_interpose.sh  the kernel's batching under interposition (count): the interposer
#                       sees kernel entries, exact exits, interpose.total and batches
#   batching_l1.sh      L1's exit-level batching of CPUID, VMMCALL, MSR and I/O exits (--batch
#                       l1|both): exact exits and l1batch counters, the same final state
#   l1_tramp.sh         L1's exit dispatch options (l1_retpoline, l1_trampoline): the same
#                       exits on and off, the trampoline's counters by its model, bad values
#   interpose.sh        system-call interposition: exact exits and counters under every
#                       variant, the differential state hash, interpose-check, deny
#   domain.sh           protection domains: the domain workload's checks and exact exits
TEST_SCRIPTS += tests/integration/nested_exits.sh tests/integration/nested_failures.sh \
	tests/integration/l1_direct.sh tests/integration/level1.sh tests/integration/trace.sh \
	tests/integration/testkernel.sh tests/integration/mbec.sh tests/integration/retpoline.sh \
	tests/integration/kmod.sh tests/integration/batching.sh tests/integration/batching_l1.sh \
	tests/integration/batching_interpose.sh tests/integration/l1_tramp.sh \
	tests/integration/interpose.sh tests/integration/domain.sh tests/integration/kernel_tramp.sh
TEST_DEPS    += $(BUILD)/nestlab $(BUILD)/l1hyp/l1hyp.bin $(BUILD)/guests/l2kernel.bin \
	$(BUILD)/guests/modules/hello.ko

# The long random differential campaign of decoded-syscall batching
# (docs/batching.md): make batch-campaign [BATCH_N=1000000] [BATCH_LEVEL=1]
.PHONY: batch-campaign
batch-campaign: $(BUILD)/nestlab $(BUILD)/l1hyp/l1hyp.bin $(BUILD)/guests/l2kernel.bin
	BATCH_N=$(or $(BATCH_N),1000000) BATCH_LEVEL=$(or $(BATCH_LEVEL),1) \
		bash tests/integration/batch_campaign.sh

# The same for L1's exit-level batching (workload exit-random, level 2):
# make batch-campaign-l1 [BATCH_N=1000000]
.PHONY: batch-campaign-l1
batch-campaign-l1: $(BUILD)/nestlab $(BUILD)/l1hyp/l1hyp.bin $(BUILD)/guests/l2kernel.bin
	BATCH_N=$(or $(BATCH_N),1000000) bash tests/integration/batch_campaign_l1.sh
