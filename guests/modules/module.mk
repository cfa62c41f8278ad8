# guests/modules/: L2 kernel modules, each one ELF64 relocatable object
# built from its folder's C files with the freestanding flags (small code
# model, no PIC, no common symbols: include/nestlab/kmod.h) and linked with
# `ld -r` into $(BUILD)/guests/modules/<name>.ko. The launcher delivers one
# with --l2-module FILE; the kernel loads it (guests/kernel/kmod_load.c).

KMOD_OUT     := $(BUILD)/guests/modules
KMOD_CFLAGS  := $(FREESTANDING_CFLAGS) -fno-common
KMOD_NAMES   := $(notdir $(wildcard guests/modules/*))
KMOD_NAMES   := $(filter-out module.mk,$(KMOD_NAMES))

$(KMOD_OUT)/%.o: guests/modules/%.c
	@mkdir -p $(@D)
	$(CC) $(KMOD_CFLAGS) $(DEPFLAGS) -c $< -o $@

define KMOD_RULE
$(KMOD_OUT)/$(1).ko: $(patsubst guests/modules/%.c,$(KMOD_OUT)/%.o,$(wildcard guests/modules/$(1)/*.c))
	$(LD) -r -o $$@ $$^
ALL_TARGETS += $(KMOD_OUT)/$(1).ko
TEST_DEPS   += $(KMOD_OUT)/$(1).ko
endef
$(foreach m,$(KMOD_NAMES),$(eval $(call KMOD_RULE,$(m))))
