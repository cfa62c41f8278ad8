# Hostile L2 test guests (docs/hostile-l2.md): one flat multiboot image per
# scenario, $(BUILD)/l1hyp/tests/guests/<scenario>.bin, each rt.o (runtime)
# plus <scenario>.o linked with hostile.ld. consts_check.o only compiles:
# it asserts that hostile.h's copies of enum constants match the headers.
# Run by l1hyp/tests/hostile_l2.sh (TEST_SCRIPTS, l1hyp/tests/module.mk).

HOSTILE_SRC       := l1hyp/tests/guests
HOSTILE_OUT       := $(BUILD)/l1hyp/tests/guests
HOSTILE_SCENARIOS := ltr_null cr4_reserved cr0_nw cs_l_and_d paging32 pae stale_tlb \
                     pml4_bit8 softint_once single_step badaccess_cpl0 efer_lme apic_timer
HOSTILE_BINS      := $(patsubst %,$(HOSTILE_OUT)/%.bin,$(HOSTILE_SCENARIOS))
HOSTILE_ELFS      := $(HOSTILE_BINS:.bin=.elf)
HOSTILE_ASFLAGS   := $(FREESTANDING_ASFLAGS) -I$(HOSTILE_SRC)

TEST_DEPS += $(HOSTILE_BINS) $(HOSTILE_OUT)/consts_check.o

$(patsubst %,$(HOSTILE_OUT)/%.o,rt $(HOSTILE_SCENARIOS)): $(HOSTILE_OUT)/%.o: $(HOSTILE_SRC)/%.S
	@mkdir -p $(@D)
	$(CC) $(HOSTILE_ASFLAGS) $(DEPFLAGS) -c $< -o $@

$(HOSTILE_OUT)/consts_check.o: $(HOSTILE_SRC)/consts_check.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -I$(HOSTILE_SRC) $(DEPFLAGS) -c $< -o $@

$(HOSTILE_ELFS): $(HOSTILE_OUT)/%.elf: $(HOSTILE_OUT)/rt.o $(HOSTILE_OUT)/%.o $(HOSTILE_SRC)/hostile.ld
	$(LD) $(FREESTANDING_LDFLAGS) -T $(HOSTILE_SRC)/hostile.ld -o $@ $(HOSTILE_OUT)/rt.o $(HOSTILE_OUT)/$*.o

$(HOSTILE_BINS): $(HOSTILE_OUT)/%.bin: $(HOSTILE_OUT)/%.elf
	$(OBJCOPY) -O binary $< $@

.PHONY: hostile-guests
hostile-guests: $(HOSTILE_BINS)
