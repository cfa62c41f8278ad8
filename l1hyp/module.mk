# L1 hypervisor: every .c/.S under l1hyp/{arch/x86,core,mm,boot,mech}, plus
# the shared freestanding libraries (string, format, results writer, the
# x86dec decoder, the lib/tramp trampoline generator), compiled freestanding and linked at 1 MiB. The vendor
# backend is chosen here, by the file list (arch/x86/svm*.c implement
# arch/vcpu_vendor.h), never by #ifdef.
# Outputs: $(BUILD)/l1hyp/l1hyp.elf (symbols) and l1hyp.bin (the flat
# multiboot image QEMU's -kernel loads).

L1_DIRS     := l1hyp/arch/x86 l1hyp/core l1hyp/mm l1hyp/boot l1hyp/mech l1hyp/devices
L1_CSRCS    := $(foreach d,$(L1_DIRS),$(wildcard $(d)/*.c)) \
               lib/freestanding/string.c lib/freestanding/format.c \
               lib/results/results_writer.c lib/trace/trace_region.c \
               lib/tramp/tramp_gen.c lib/tramp/tramp_select.c lib/tramp/tramp_policy.c \
               $(wildcard lib/x86dec/*.c)
L1_SSRCS    := $(wildcard l1hyp/arch/x86/*.S) lib/freestanding/isr_entry.S
L1_OBJS     := $(patsubst %.c,$(BUILD)/l1hyp/obj/%.o,$(L1_CSRCS)) \
               $(patsubst %.S,$(BUILD)/l1hyp/obj/%.o,$(L1_SSRCS))
L1_LDSCRIPT := l1hyp/arch/x86/l1hyp.ld

$(filter %.o,$(patsubst %.c,$(BUILD)/l1hyp/obj/%.o,$(L1_CSRCS))): $(BUILD)/l1hyp/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(patsubst %.S,$(BUILD)/l1hyp/obj/%.o,$(L1_SSRCS)): $(BUILD)/l1hyp/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_ASFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/l1hyp/l1hyp.elf: $(L1_OBJS) $(L1_LDSCRIPT)
	$(LD) $(FREESTANDING_LDFLAGS) -T $(L1_LDSCRIPT) -o $@ $(L1_OBJS)

$(BUILD)/l1hyp/l1hyp.bin: $(BUILD)/l1hyp/l1hyp.elf
	$(OBJCOPY) -O binary $< $@

ALL_TARGETS += $(BUILD)/l1hyp/l1hyp.bin

# The test image: the default L1 plus the example mechanism
# (l1hyp/mech/examples/), for l1hyp/tests/mech_example.sh.
L1_MECHTEST_OBJS := $(L1_OBJS) $(BUILD)/l1hyp/obj/l1hyp/mech/examples/cpuid_leaves.o

$(BUILD)/l1hyp/obj/l1hyp/mech/examples/%.o: l1hyp/mech/examples/%.c
	@mkdir -p $(dir $@)
	$(CC) $(FREESTANDING_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/l1hyp/l1hyp-mechtest.elf: $(L1_MECHTEST_OBJS) $(L1_LDSCRIPT)
	$(LD) $(FREESTANDING_LDFLAGS) -T $(L1_LDSCRIPT) -o $@ $(L1_MECHTEST_OBJS)

$(BUILD)/l1hyp/l1hyp-mechtest.bin: $(BUILD)/l1hyp/l1hyp-mechtest.elf
	$(OBJCOPY) -O binary $< $@

TEST_DEPS += $(BUILD)/l1hyp/l1hyp-mechtest.bin
