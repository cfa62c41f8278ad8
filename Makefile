# nestlab top-level Makefile: non-recursive. Every component contributes a
# fragment (<dir>/module.mk) that appends to the lists below; all outputs go
# under $(BUILD). User-facing targets first run scripts/deps.sh, which installs
# missing Debian packages and is silent when all are present.
#
#   make            build everything             make test   unit + integration tests
#   make run WORKLOAD=cpuid ITERATIONS=1000 [LEVEL=2] [ACCEL=auto] [TRANSPORT=vmmcall] [NPT=eager] [TRACE=DIR]
#            [MBEC=off|exec-fault|intercept] [MBEC_TLB=asid|flush] [MBEC_VIOLATION=report|inject|stop]
#            [BATCH=off|kernel|l1|both] [BATCH_MAX=N]
#            [INTERPOSE=off|inguest|hypercall|trap|breakpoint] [INTERPOSE_OP=count|trace|deny] [INTERPOSE_DENY=NR,...]
#            [L1_RETPOLINE=on|off] [L1_TRAMPOLINE=on|off] [TRAMPOLINE=off|global|process]
#   make deps       install missing packages     make clean
#   make bench [EXPERIMENTS=a,b] [FULL=1] [JOBS=N] [REPEAT=K]   experiments/ -> build/bench/report.md

.DEFAULT_GOAL := all
include mk/config.mk

ALL_TARGETS   :=   # everything `make all` builds
UNIT_TESTS    :=   # Criterion test executables, run by `make test`
TEST_SCRIPTS  :=   # integration scripts (PASS:/FAIL:/SKIP: lines), run by `make test`
TEST_DEPS     :=   # extra files the test scripts need built
BENCH_TARGETS :=   # benchmark programs, built by `make bench-build`

include $(sort $(wildcard */module.mk */*/module.mk */*/*/module.mk))

WORKLOAD   ?= cpuid
ITERATIONS ?= 1000
LEVEL      ?= 2
ACCEL      ?= auto
TRANSPORT  ?= vmmcall
NPT        ?= eager
JSON       ?= $(BUILD)/results/$(WORKLOAD)-l$(LEVEL).json
TRACE      ?=
MBEC       ?= off
MBEC_TLB   ?=
MBEC_VIOLATION ?=
BATCH      ?= off
BATCH_MAX  ?=
INTERPOSE  ?=
INTERPOSE_OP ?=
INTERPOSE_DENY ?=
L1_RETPOLINE ?=
L1_TRAMPOLINE ?=
TRAMPOLINE ?=

.PHONY: all build build-tests deps test unit-test integration-test run clean bench-build bench

all:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory build

build: $(ALL_TARGETS)

build-tests: $(ALL_TARGETS) $(UNIT_TESTS) $(TEST_DEPS)

deps:
	@scripts/deps.sh

test:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory build-tests
	@scripts/run-tests.sh --unit "$(UNIT_TESTS)" --scripts "$(TEST_SCRIPTS)"

unit-test:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory $(UNIT_TESTS)
	@scripts/run-tests.sh --unit "$(UNIT_TESTS)" --scripts ""

integration-test:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory build-tests
	@scripts/run-tests.sh --unit "" --scripts "$(TEST_SCRIPTS)"

run:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory build
	@mkdir -p $(dir $(JSON))
	$(BUILD)/nestlab run --workload $(WORKLOAD) --iterations $(ITERATIONS) \
		--level $(LEVEL) --accel $(ACCEL) --transport $(TRANSPORT) \
		$(if $(filter lazy,$(NPT)),--npt-lazy) $(if $(TRACE),--trace $(TRACE)) \
		--mbec $(MBEC) $(if $(MBEC_TLB),--mbec-tlb $(MBEC_TLB)) \
		$(if $(MBEC_VIOLATION),--mbec-violation $(MBEC_VIOLATION)) \
		--batch $(BATCH) $(if $(BATCH_MAX),--batch-max $(BATCH_MAX)) \
		$(if $(INTERPOSE),--interpose $(INTERPOSE)) \
		$(if $(INTERPOSE_OP),--interpose-op $(INTERPOSE_OP)) \
		$(if $(INTERPOSE_DENY),--interpose-deny $(INTERPOSE_DENY)) \
		$(if $(L1_RETPOLINE),--l1-retpoline $(L1_RETPOLINE)) \
		$(if $(L1_TRAMPOLINE),--l1-trampoline $(L1_TRAMPOLINE)) \
		$(if $(TRAMPOLINE),--trampoline $(TRAMPOLINE)) --json $(JSON)

bench-build: $(BENCH_TARGETS)

# The experiments of experiments/ (docs/bench.md): quick matrix by default.
# The KVM-as-L1 columns need the L1 Linux of `make kvm-l1` (Debian's kernel,
# fetched with apt-get download); where it cannot be built they read n/a.
bench:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory kvm-l1 >$(BUILD)/kvm-l1.log 2>&1 || \
		echo "bench: the L1 Linux of --l1 kvm could not be built (see $(BUILD)/kvm-l1.log): KVM columns n/a"
	$(BUILD)/nestlab bench --out $(BUILD)/bench $(if $(EXPERIMENTS),--experiments $(EXPERIMENTS)) \
		$(if $(filter-out 0 no,$(FULL)),--full) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(REPEAT),--repeat $(REPEAT))

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
