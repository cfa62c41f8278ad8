#!/bin/bash
# `nestlab bench` for real (QEMU TCG, icount) on the one-experiment fixture
# l0/tests/bench/tiny.ini (N = 100, cpuid and lazy-NPT pagefault at levels
# 1 and 2, a KVM-as-L1 column): every available run passes, each level-2
# phase shows exactly the exits of the workload's model, the KVM cells are
# marked not available when the launcher has no --l1. Then the same matrix
# as a plan, run by GNU parallel and by a Slurm job array on a one-node
# cluster on localhost (munge, slurmctld and slurmd started in a temporary
# folder, stopped at the end), each gathered with --collect: the reports
# must equal the local one. Where Slurm cannot start: SKIP with the reason.
set -u
. "$(dirname "$0")/lib.sh"
lib_init bench
lib_require l1
W=$OUT
NL=$(pwd)/$NESTLAB
strip() { sed '/^<!-- provenance -->$/,/^<!-- \/provenance -->$/d' "$1"; }
bench() { "$NL" bench --root . --experiments-dir l0/tests/bench --experiments tiny "$@"; }
same_report() { # NAME DIR
	if diff <(strip "$W/local/report.md") <(strip "$2/report.md") >"$W/diff" &&
	   cmp -s "$W/local/tiny/tiny.csv" "$2/tiny/tiny.csv"; then
		pass "$1: the same report and CSV as the local run"
	else
		fail "$1: report differs from the local run"; show "$W/diff"
	fi
}

# The KVM-as-L1 cell runs where `make kvm-l1` has built the L1 Linux
# beside the launcher (kvm_l1.sh builds it when it can), else it is n/a.
if [ -r "$(dirname "$NL")/kvm-l1/vmlinuz" ]; then KVM_BUILT=1 RUNS=5; else KVM_BUILT=0 RUNS=4; fi
bench --out "$W/local" --quiet >"$W/local.log" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q "^bench: $RUNS runs: $RUNS passed, 0 failed, 0 timed out, 0 not run" "$W/local.log"; then
	pass "tiny: $RUNS runs passed"
else
	fail "tiny: bench exit $rc"; show "$W/local.log"
fi
csv=$W/local/tiny/tiny.csv
model=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["level"] == 2 && $col["l1"] == "nestlab" { print $col["cell"], $col["model_ok"] }' "$csv")
if [ "$model" = "$(printf 'cpuid-l2-nestlab-vmmcall-eager-n100 1\npagefault-l2-nestlab-vmmcall-lazy-n100 1')" ]; then
	pass "tiny: level-2 phase exits equal the workloads' model"
else
	fail "tiny: model check: $model"; show "$csv"
fi
for cell in cpuid-l2-nestlab-vmmcall-eager-n100:cpuid pagefault-l2-nestlab-vmmcall-lazy-n100:npf; do
	id=${cell%%:*} reason=${cell##*:}
	want=$(jq -r ".cells[] | select(.id == \"$id\") | .expect.exits.$reason" "$W/local/plan.json")
	got=$(jq -r ".phases[0].exits.$reason" "$W/local/runs/$id/r1/result.json")
	if [ "$want" = 100 ] && [ "$got" = "$want" ]; then
		pass "tiny: $id: $got $reason exits, as \`nestlab expect\` says"
	else
		fail "tiny: $id: $got $reason exits, model $want"
	fi
done
if [ $KVM_BUILT = 1 ]; then
	kvm=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["l1"] == "kvm" { print $col["state"], $col["iterations"], $col["reason_exits"] }' "$csv")
	if [ "$kvm" = "pass 100 100" ]; then
		pass "tiny: KVM-as-L1 cell ran: one cpuid exit per iteration"
	else
		fail "tiny: KVM-as-L1 cell: $kvm"; show "$csv"
	fi
elif grep -q '^| cpuid | [0-9.]* | [0-9.]* | n/a \[1\]' "$W/local/report.md" &&
     grep -q '^\[1\] not available (--l1 kvm not built)' "$W/local/report.md"; then
	pass "tiny: KVM-as-L1 column not available (--l1 kvm not built)"
else
	fail "tiny: KVM column not marked"; show "$W/local/report.md"
fi
[ -s "$W/local/tiny/ticks.png" ] && [ -s "$W/local/tiny/ticks.svg" ] &&
	pass "tiny: plot PNG and SVG" || fail "tiny: no plot"

# The same matrix through GNU parallel.
if command -v parallel >/dev/null; then
	bench --plan "$W/par" >"$W/par.log" 2>&1 && JOBS=$JOBS sh "$W/par/parallel.sh" >>"$W/par.log" 2>&1
	if bench --collect "$W/par" --quiet >>"$W/par.log" 2>&1; then
		pass "parallel: plan ran and collected"
		same_report parallel "$W/par"
	else
		fail "parallel: plan or collect failed"; show "$W/par.log"
	fi
else
	fail "GNU parallel not installed (make deps)"
fi

# The same matrix as a Slurm job array on a one-node cluster on localhost.
slurm_skip() { skip "slurm: $*"; }
slurm_run() {
	local s=$W/slurm port=$((20000 + RANDOM % 4000 * 2)) i state=
	for b in munged slurmctld slurmd sbatch sinfo; do
		command -v $b >/dev/null || { slurm_skip "$b not installed (make deps)"; return; }
	done
	[ "$(id -u)" = 0 ] || { slurm_skip "slurmd must run as root here"; return; }
	mkdir -p "$s/munge" "$s/state" "$s/spool" "$s/log" && chmod 700 "$s/munge"
	head -c 1024 /dev/urandom > "$s/munge/munge.key" && chmod 600 "$s/munge/munge.key"
	cat > "$s/slurm.conf" <<EOF
ClusterName=nestlabbench
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$s/munge/sock
CredType=cred/munge
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/log/slurmctld.log
SlurmdLogFile=$s/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=localhost NodeHostname=$(hostname) CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=bench Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
	export SLURM_CONF=$s/slurm.conf
	trap 'slurm_stop' RETURN
	if ! munged -f --key-file="$s/munge/munge.key" --socket="$s/munge/sock" \
	     --log-file="$s/log/munged.log" --pid-file="$s/munge.pid" \
	     --seed-file="$s/munge/seed" 2>"$s/log/munged.err"; then
		slurm_skip "munged does not start: $(tail -1 "$s/log/munged.err")"; return
	fi
	if ! slurmctld -f "$s/slurm.conf" 2>"$s/log/ctld.err" ||
	   ! slurmd -f "$s/slurm.conf" -N localhost 2>"$s/log/d.err"; then
		slurm_skip "slurmctld/slurmd do not start: $(cat "$s"/log/*.err | tail -1)"; return
	fi
	for i in $(seq 1 40); do
		state=$(sinfo -h -o %T 2>/dev/null | head -1)
		[ "$state" = idle ] && break
		sleep 0.5
	done
	if [ "$state" != idle ]; then
		slurm_skip "the node did not become idle (state '$state'; $s/log)"; return
	fi
	bench --plan "$W/sl" >"$W/sl.log" 2>&1
	if ! timeout 300 sbatch --wait --quiet "$W/sl/slurm.sbatch" >>"$W/sl.log" 2>&1; then
		fail "slurm: the job array failed"; show "$W/sl.log"; cat "$W"/sl/slurm/*.out 2>/dev/null | tail -5
		return
	fi
	if bench --collect "$W/sl" --quiet >>"$W/sl.log" 2>&1; then
		pass "slurm: job array of $(wc -l < "$W/sl/commands.txt") tasks ran and collected"
		same_report slurm "$W/sl"
	else
		fail "slurm: collect failed"; show "$W/sl.log"
	fi
}
slurm_stop() {
	local p
	for p in slurmd slurmctld munge; do
		[ -s "$W/slurm/$p.pid" ] && kill "$(cat "$W/slurm/$p.pid")" 2>/dev/null
	done
	sleep 0.5
	unset SLURM_CONF
	trap - RETURN
}
slurm_run
lib_done
