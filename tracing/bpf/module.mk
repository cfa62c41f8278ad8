# tracing/bpf: nestlab-kvmstat, the L0 eBPF tool that counts and times KVM
# exits per VM (libbpf CO-RE, libbpf-bootstrap layout: kvmstat.bpf.c,
# kvmstat.h, kvmstat.c; vmlinux.h and the skeleton are generated into
# $(BUILD)/kvmstat), its /dev/kvm test guest, tests and benchmark.

KVMSTAT_DIR     := tracing/bpf
KVMSTAT_OUT     := $(BUILD)/kvmstat
KVMSTAT_CLANG   ?= clang
KVMSTAT_BPFTOOL ?= bpftool
KVMSTAT_BTF     ?= /sys/kernel/btf/vmlinux
KVMSTAT_CFLAGS  := $(HOST_CFLAGS) -I$(KVMSTAT_OUT) -I$(KVMSTAT_DIR)
KVMSTAT_LIBS    := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz
KVMSTAT_BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Werror \
	-I$(KVMSTAT_OUT) -I$(KVMSTAT_DIR)

KVMSTAT_LIB_OBJS := $(KVMSTAT_OUT)/kvmstat_names.o $(KVMSTAT_OUT)/kvmstat_report.o \
	$(KVMSTAT_OUT)/kvmstat_opts.o $(KVMSTAT_OUT)/kvmstat_out.o
KVMSTAT_TESTGUEST := $(KVMSTAT_OUT)/nestlab-kvm-testguest
KVMSTAT_UNIT_TESTS := $(KVMSTAT_OUT)/test_kvmstat_names $(KVMSTAT_OUT)/test_kvmstat_report \
	$(KVMSTAT_OUT)/test_kvmstat_opts $(KVMSTAT_OUT)/test_kvmstat_out
KVMSTAT_BENCH := $(KVMSTAT_OUT)/kvmstat-bench

# The LTTng-UST plugin (--lttng), built where liblttng-ust-dev is installed;
# the tool dlopen()s it from its own directory's kvmstat/ at run time.
KVMSTAT_LTTNG    := $(shell pkg-config --exists lttng-ust 2>/dev/null && echo yes)
KVMSTAT_LTTNG_SO := $(KVMSTAT_OUT)/nestlab-kvmstat-lttng.so
KVMSTAT_PIC_CFLAGS := $(KVMSTAT_CFLAGS) -fPIC -fvisibility=hidden \
	$(shell pkg-config --cflags lttng-ust 2>/dev/null)
KVMSTAT_LTTNG_OBJS := $(addprefix $(KVMSTAT_OUT)/pic/,kvmstat_lttng.o kvmstat_lttng_tp.o kvmstat_names.o)
KVMSTAT_LTTNG_EMIT := $(KVMSTAT_OUT)/kvmstat-lttng-emit
ifeq ($(KVMSTAT_LTTNG),yes)
ALL_TARGETS   += $(KVMSTAT_LTTNG_SO)
TEST_DEPS     += $(KVMSTAT_LTTNG_SO) $(KVMSTAT_LTTNG_EMIT)
endif

ALL_TARGETS   += $(BUILD)/nestlab-kvmstat $(KVMSTAT_TESTGUEST)
UNIT_TESTS    += $(KVMSTAT_UNIT_TESTS)
TEST_SCRIPTS  += $(KVMSTAT_DIR)/tests/kvmstat_test.sh
TEST_DEPS     += $(BUILD)/nestlab-kvmstat $(KVMSTAT_TESTGUEST)
BENCH_TARGETS += $(KVMSTAT_BENCH)

$(KVMSTAT_OUT)/vmlinux.h:
	@mkdir -p $(@D)
	$(KVMSTAT_BPFTOOL) btf dump file $(KVMSTAT_BTF) format c > $@.tmp && mv $@.tmp $@

$(KVMSTAT_OUT)/kvmstat.bpf.o: $(KVMSTAT_DIR)/kvmstat.bpf.c $(KVMSTAT_DIR)/kvmstat.h $(KVMSTAT_OUT)/vmlinux.h
	$(KVMSTAT_CLANG) $(KVMSTAT_BPF_CFLAGS) -c $< -o $@

$(KVMSTAT_OUT)/kvmstat.skel.h: $(KVMSTAT_OUT)/kvmstat.bpf.o
	$(KVMSTAT_BPFTOOL) gen skeleton $< name kvmstat_bpf > $@.tmp && mv $@.tmp $@

$(KVMSTAT_OUT)/kvmstat.o: $(KVMSTAT_DIR)/kvmstat.c $(KVMSTAT_OUT)/kvmstat.skel.h
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(KVMSTAT_OUT)/kvmstat_names.o: $(KVMSTAT_DIR)/kvmstat_names.c
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(KVMSTAT_OUT)/kvmstat_report.o: $(KVMSTAT_DIR)/kvmstat_report.c
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(KVMSTAT_OUT)/kvmstat_opts.o: $(KVMSTAT_DIR)/kvmstat_opts.c
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(KVMSTAT_OUT)/kvmstat_out.o: $(KVMSTAT_DIR)/kvmstat_out.c
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/nestlab-kvmstat: $(KVMSTAT_OUT)/kvmstat.o $(KVMSTAT_LIB_OBJS)
	$(HOST_CC) -o $@ $(filter %.o,$^) $(KVMSTAT_LIBS) -ldl

$(KVMSTAT_OUT)/pic/%.o: $(KVMSTAT_DIR)/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_PIC_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(KVMSTAT_LTTNG_SO): $(KVMSTAT_LTTNG_OBJS)
	$(HOST_CC) -shared -Wl,-z,defs -o $@ $^ $(shell pkg-config --libs lttng-ust 2>/dev/null)

$(KVMSTAT_LTTNG_EMIT): $(KVMSTAT_DIR)/tests/kvmstat_lttng_emit.c
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_CFLAGS) $(DEPFLAGS) -o $@ $< -ldl

$(KVMSTAT_TESTGUEST): $(KVMSTAT_DIR)/testguest/kvm_testguest.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $@ $<

$(KVMSTAT_OUT)/test_kvmstat_names: $(KVMSTAT_DIR)/tests/test_kvmstat_names.c $(KVMSTAT_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c %.o,$^) $(CRITERION_LIBS)

$(KVMSTAT_OUT)/test_kvmstat_report: $(KVMSTAT_DIR)/tests/test_kvmstat_report.c $(KVMSTAT_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c %.o,$^) $(CRITERION_LIBS)

$(KVMSTAT_OUT)/test_kvmstat_opts: $(KVMSTAT_DIR)/tests/test_kvmstat_opts.c $(KVMSTAT_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c %.o,$^) $(CRITERION_LIBS)

$(KVMSTAT_OUT)/test_kvmstat_out: $(KVMSTAT_DIR)/tests/test_kvmstat_out.c $(KVMSTAT_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(KVMSTAT_CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c %.o,$^) $(CRITERION_LIBS)

$(KVMSTAT_BENCH): $(KVMSTAT_DIR)/bench/kvmstat_bench.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $@ $<

.PHONY: kvmstat-bench
kvmstat-bench: $(KVMSTAT_BENCH) $(BUILD)/nestlab-kvmstat $(KVMSTAT_TESTGUEST)
	$(KVMSTAT_BENCH) --tool $(BUILD)/nestlab-kvmstat --guest $(KVMSTAT_TESTGUEST)
