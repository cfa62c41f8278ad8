# QEMU integration tests: boot the real L1 + L2 images through the nestlab
# launcher, nested under TCG, and assert exact per-phase exit counts.
TEST_SCRIPTS += tests/integration/nested.sh
TEST_DEPS    += $(BUILD)/nestlab $(BUILD)/l1hyp/l1hyp.bin $(BUILD)/guests/l2kernel.bin
