# Host tests of the L2 kernel's module loader (guests/kernel/kmod_*.c),
# $(BUILD)/guests/test_kmod, against real objects: the hello module
# (guests/modules/hello) and the bad ones here (initfail.c is well formed:
# its init fails, kmod.sh loads it too), each built like a module
# (bad_gotpcrel.c with -fpic, for its GOT relocation). The test binary is
# linked without PIE so that its functions, the exports it hands the
# loader, lie within 2 GiB of the MAP_32BIT memory it loads hello into,
# and it calls hello's mod_init there.

KMOD_TEST_OUT  := $(BUILD)/guests/tests/kmod
KMOD_TEST_OBJS := $(KMOD_TEST_OUT)/bad_undef.o $(KMOD_TEST_OUT)/bad_gotpcrel.o \
	$(KMOD_TEST_OUT)/bad_noheader.o $(KMOD_TEST_OUT)/initfail.o
KMOD_LOADER_C  := guests/kernel/kmod_load.c guests/kernel/kmod_sym.c \
	guests/kernel/kmod_reloc.c lib/freestanding/format.c

$(KMOD_TEST_OUT)/bad_gotpcrel.o: KMOD_EXTRA := -fpic
$(KMOD_TEST_OUT)/%.o: guests/tests/kmod/%.c
	@mkdir -p $(@D)
	$(CC) $(KMOD_CFLAGS) $(KMOD_EXTRA) $(DEPFLAGS) -c $< -o $@

$(GUESTS_OUT)/test_kmod: guests/tests/kmod/test_kmod_load.c $(KMOD_LOADER_C) \
		$(KMOD_TEST_OBJS) $(KMOD_OUT)/hello.ko
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -fno-pie -no-pie $(DEPFLAGS) -Iguests -Ilib \
		-DKMOD_TEST_HELLO='"$(abspath $(KMOD_OUT)/hello.ko)"' \
		-DKMOD_TEST_DIR='"$(abspath $(KMOD_TEST_OUT))"' \
		-o $@ $(filter %.c,$^) $(CRITERION_LIBS)

UNIT_TESTS += $(GUESTS_OUT)/test_kmod
TEST_DEPS  += $(KMOD_TEST_OUT)/initfail.o   # tests/integration/kmod.sh
