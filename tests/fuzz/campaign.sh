#!/bin/bash
# The hostile-guest campaign against L1 (docs/fuzz-l1.md), through the
# launcher: every run is `nestlab run --workload null --l2-image IMG --keep`
# with IMG a copy of the fuzz guest whose embedded command line (fuzzimg)
# says what to run. Parts, all seeded by SEED:
#   blocks      BLOCKS blocks, PER_RUN per run, the runs rotating over
#               CPL 0/3/mix and eager/lazy NPT; a run that L2 ends early
#               (l2_*: L2's doing) is resumed after the block it died in
#               (the guest's breadcrumb in the guest-RAM file says which);
#   hypercalls  HCALLS calls over VMMCALL, the backdoor and both;
#   images      IMAGES malformed multiboot images (mkimages) against L1's loader;
#   integrity   after every run, l1check on the guest-RAM file (L1's code
#               and read-only data, VMCB, IOPM, MSRPM, NPT against a
#               reference run's).
# A finding: a guest FINDING line, an L1 status that is L1's failure
# (l1_error, no_status, ...), qemu_failed or timeout, a guest that lost
# itself (workload_fail), an image verdict other than expected, an
# integrity failure. Each prints how to replay it.
#
#   BLOCKS=N SEED=S [PER_RUN=N] [HC_PER_RUN=N] [HCALLS=N] [IMAGES=N] [CPL=0|3|mix] [NPT=eager|lazy]
#   [TMPL=list] [CHECKS=list] [AVOID=list] [JOBS=N] [FUZZ_DIR=dir] campaign.sh
#   REPLAY=seed:block[-last] | REPLAY=h:seed:index [CPL=..] [NPT=..] campaign.sh
# Exit status: 0 no finding, 1 findings, 2 setup error.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
NESTLAB=$BUILD/nestlab
IMAGE=$BUILD/fuzz/fuzz-guest.bin
FUZZIMG=$BUILD/fuzz/fuzzimg
L1CHECK=$BUILD/fuzz/l1check
L1ELF=$BUILD/l1hyp/l1hyp.elf
BLOCKS=${BLOCKS:-20000}
SEED=${SEED:-1}
PER_RUN=${PER_RUN:-2000}
HC_PER_RUN=${HC_PER_RUN:-500}
HCALLS=${HCALLS:-$(( BLOCKS / 10 > 500 ? BLOCKS / 10 : 500 ))}
IMAGES=${IMAGES:-48}
CPL=${CPL:-}
NPT=${NPT:-}
TMPL=${TMPL:-}
CHECKS=${CHECKS:-}
AVOID=${AVOID:-}
REPLAY=${REPLAY:-}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
TIMEOUT=${TIMEOUT:-60}
L2MEM=${L2MEM:-16}           # MiB: L1 zeroes L2 RAM at boot, so small is fast
QUIET=${QUIET:-0}
# A replay gets its own folder, so that it leaves the campaign's results.
W=${FUZZ_DIR:-$BUILD/fuzz/$([ -n "${REPLAY:-}" ] && echo replay || echo campaign)}
MAX_RESTARTS=${MAX_RESTARTS:-400}

for f in "$NESTLAB" "$IMAGE" "$FUZZIMG" "$L1CHECK" "$L1ELF" "$BUILD/l1hyp/l1hyp.bin"; do
	[ -f "$f" ] || { echo "fuzz-l1: $f missing: run make" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "fuzz-l1: jq missing (make deps)" >&2; exit 2; }
# The results folder is emptied first: only one that a campaign made.
if [ -e "$W" ] && [ ! -f "$W/.fuzz-campaign" ]; then
	echo "fuzz-l1: $W exists and is not a campaign's folder: not touching it" >&2
	exit 2
fi
rm -rf "$W"
mkdir -p "$W/runs" "$W/images" && : >"$W/.fuzz-campaign" || exit 2

say() { [ "$QUIET" = 1 ] || echo "$@"; }

# The guest's options common to every block run.
opts() {
	local o=""
	[ -n "$TMPL" ] && o="$o tmpl=$TMPL"
	[ -n "$CHECKS" ] && o="$o checks=$CHECKS"
	[ -n "$AVOID" ] && o="$o avoid=$AVOID"
	echo "$o"
}

# The generation options of the campaign, as make fuzz-l1 arguments.
replay_opts() {
	[ -n "$TMPL" ] && printf ' TMPL=%s' "$TMPL"
	[ -n "$CHECKS" ] && printf ' CHECKS=%s' "$CHECKS"
	[ -n "$AVOID" ] && printf ' AVOID=%s' "$AVOID"
}

# crumb NAME RUNDIR: the breadcrumb (tests/fuzz/fuzz_abi.h) as
# "magic seed unit state tmpl done findings cpl_steps code0 code1" (hex).
crumb() {
	local con=$W/runs/$1.con hpa
	hpa=$(sed -n 's/.*nestlab-l1: L2 RAM [0-9]* MiB at host-physical \([0-9a-f]*\).*/\1/p' \
		"$con" | head -1)
	[ -n "$hpa" ] && [ -f "$2/guest-ram" ] || { echo "-"; return; }
	od -An -v -t x8 -j $(( 0x$hpa + 0x6000 )) -N 80 "$2/guest-ram" | tr -s ' \n' ' '
}

# counts NAME RUNDIR: the breadcrumb's counters (fuzz_crumb.ends, .found).
counts() {
	local con=$W/runs/$1.con hpa
	hpa=$(sed -n 's/.*nestlab-l1: L2 RAM [0-9]* MiB at host-physical \([0-9a-f]*\).*/\1/p' \
		"$con" | head -1)
	[ -n "$hpa" ] && [ -f "$2/guest-ram" ] || return
	od -An -v -t u4 -j $(( 0x$hpa + 0x6000 + 80 )) -N 256 "$2/guest-ram" | tr -s ' \n' ' '
	echo
}

# fz_run NAME NPT TRANSPORT CMDLINE: one launcher run. Leaves in runs/:
# NAME.json, .con (L1's console), .crumb, .int (l1check), .out.
fz_run() {
	local name=$1 npt=$2 tr=$3 cmd=$4 img=$W/runs/$1.bin dir rc
	local base=$W/baseline.$npt
	"$FUZZIMG" "$IMAGE" "$img" "$cmd" || return 1
	timeout $((TIMEOUT + 30)) "$NESTLAB" run --workload null --iterations 1 --accel tcg \
		--timeout "$TIMEOUT" --l2-image "$img" --transport "$tr" \
		--l2mem "$L2MEM" --mem $((L2MEM + 24)) \
		$([ "$npt" = lazy ] && echo --npt-lazy) --keep -q --json "$W/runs/$name.json" \
		>"$W/runs/$name.out" 2>&1
	dir=$(sed -n 's/^run directory kept: //p' "$W/runs/$name.out")
	if [ -n "$dir" ] && [ -d "$dir" ]; then
		cp "$dir/console.log" "$W/runs/$name.con"
		cp "$dir/qemu.stderr" "$W/runs/$name.qerr" 2>/dev/null
		crumb "$name" "$dir" >"$W/runs/$name.crumb"
		counts "$name" "$dir" >"$W/runs/$name.counts"
		if [ -f "$base" ]; then
			"$L1CHECK" --ram "$dir/guest-ram" --elf "$L1ELF" --console "$dir/console.log" \
				--npt "$npt" --baseline "$base" >"$W/runs/$name.int" 2>&1
		else
			"$L1CHECK" --ram "$dir/guest-ram" --elf "$L1ELF" --console "$dir/console.log" \
				--npt "$npt" --write-baseline "$base" >"$W/runs/$name.int" 2>&1
		fi
		rm -rf "$dir"
	else
		: >"$W/runs/$name.con"; echo - >"$W/runs/$name.crumb"; : >"$W/runs/$name.int"
	fi
	rm -f "$img"
	return 0
}

status_of() { jq -r '.status // "none"' "$W/runs/$1.json" 2>/dev/null || echo none; }

# L1's diagnosis of a run (its last message before "run ended"), or the
# launcher's when QEMU itself failed or hung.
diag_of() {
	case "$(status_of "$1")" in
	qemu_failed|timeout|no_status|incomplete|bad_results|no_results|status_mismatch|none)
		# QEMU's own complaint comes first in its stderr ("qemu: fatal: ..."),
		# before a register dump; else the launcher's verdict.
		grep -a -m1 '^qemu' "$W/runs/$1.qerr" 2>/dev/null | cut -c1-200 | grep . ||
			jq -r '.errors[0] // "no results file"' "$W/runs/$1.json" 2>/dev/null | cut -c1-200
		return ;;
	esac
	grep -a '^nestlab-l1: ' "$W/runs/$1.con" | grep -v 'run ended with status' | tail -1 |
		cut -c13-200
}

# The events file of a part: one line per event, tab-separated:
#   run     <status> <ran>
#   finding <class> <replay> <detail>
ev() { printf '%s\n' "$(IFS=$'\t'; echo "$*")" >>"$EVFILE"; }

# Integrity lines and guest findings of run NAME into the events.
collect() {
	local name=$1 replay_args=$2 kind=$3 line cls blk idx
	while IFS= read -r line; do
		ev finding "integrity-$(echo "$line" | awk '{print $2}')" "$replay_args" "$line"
	done < <(grep '^INTEGRITY .* FAIL' "$W/runs/$name.int")
	if [ "$kind" = blocks ]; then
		while IFS= read -r line; do
			cls=$(echo "$line" | sed -n 's/.* class=\([a-z0-9_]*\).*/\1/p')
			blk=$(echo "$line" | sed -n 's/.* block=\([0-9]*\).*/\1/p')
			# Alone, or from the block its run began with (state a block
			# leaves behind can matter).
			ev finding "$cls" "REPLAY=$SEED:$blk $replay_args" \
				"${line#L2: } [its run began at block $RUN_START: REPLAY=$SEED:$RUN_START-$blk]"
		done < <(grep -a '^L2: FINDING seed=[0-9]* block=' "$W/runs/$name.con")
	else
		while IFS= read -r line; do
			idx=$(echo "$line" | sed -n 's/.* index=\([0-9]*\).*/\1/p')
			ev finding hypercall "REPLAY=h:$SEED:$idx $replay_args" "${line#L2: }"
		done < <(grep -a '^L2: FINDING hypercall seed=[0-9]* index=' "$W/runs/$name.con")
	fi
}


# part_units KIND ID START END CPL NPT TRANSPORT: blocks or hypercalls
# [START, END) of SEED, resumed after each early end.
part_units() {
	local kind=$1 id=$2 s=$3 e=$4 cpl=$5 npt=$6 tr=$7 n=0 name st c unit state tm cmd
	local c0 c1
	local rargs="CPL=$cpl NPT=$npt$(replay_opts)" what
	[ "$kind" = hypercalls ] && rargs="CPL=$cpl NPT=$npt TRANSPORT=$tr"
	EVFILE=$W/$id.events
	: >"$EVFILE"
	while [ "$s" -lt "$e" ] && [ "$n" -lt "$MAX_RESTARTS" ]; do
		name=$id.$n
		if [ "$kind" = blocks ]; then
			cmd="mode=blocks seed=$SEED start=$s blocks=$((e - s)) cpl=$cpl progress=0$(opts)"
		else
			cmd="mode=hypercalls seed=$SEED start=$s count=$((e - s)) cpl=$cpl transport=$tr progress=0"
		fi
		fz_run "$name" "$npt" "$([ "$tr" = mix ] && echo vmmcall || echo "$tr")" "$cmd"
		st=$(status_of "$name")
		read -r c _ unit state tm _ _ _ c0 c1 <<<"$(cat "$W/runs/$name.crumb")"
		RUN_START=$s collect "$name" "$rargs" "$kind"
		[ "$kind" = blocks ] && [ -s "$W/runs/$name.counts" ] &&
			cat "$W/runs/$name.counts" >>"$W/$id.counts"
		if [ "$st" = pass ]; then
			ev run pass "$((e - s))"
			break
		fi
		if [ "$c" != 424d52435a464c4e ] || [ "$(printf %d "0x$state")" -lt 1 ]; then
			ev run "$st" 0
			ev finding "$st" "(none: L1 never ran the guest)" \
				"run $name ended $st before the guest started: $(diag_of "$name")"
			break
		fi
		unit=$(printf %d "0x$unit")
		ev run "$st" "$((unit - s))"
		what="$kind"; [ "$kind" = blocks ] && what=block
		case "$st" in
		l2_shutdown|l2_bad_access|l2_bad_insn|l2_halted|l2_exception)
			if [ "$kind" = blocks ]; then
				ev l2end "$st" "$SEED:$unit" "$(diag_of "$name")"
			else
				ev finding "hc-$st" "REPLAY=h:$SEED:$unit $rargs" \
					"hypercall $unit ended the run: $(diag_of "$name")"
			fi ;;
		workload_fail)
			ev finding lost "REPLAY=$SEED:$unit $rargs" \
				"$(grep -a 'FUZZ-LOST' "$W/runs/$name.con" | tail -1 | cut -c5-)" ;;
		*)
			if [ "$kind" = blocks ]; then
				ev finding "$st" "REPLAY=$SEED:$unit $rargs" \
					"$what $unit (tmpl $(tmpl_names "$tm"), code $(code_hex "$c0" "$c1")): $(diag_of "$name")"
			else
				ev finding "$st" "REPLAY=h:$SEED:$unit $rargs" \
					"$what $unit: $(diag_of "$name")"
			fi ;;
		esac
		s=$((unit + 1))
		n=$((n + 1))
	done
}

# The 16 code bytes of the breadcrumb's two little-endian qwords.
code_hex() {
	local q out="" i
	for q in "$1" "$2"; do
		for ((i = 14; i >= 0; i -= 2)); do out="$out${q:i:2}"; done
	done
	echo "$out"
}

# Template names of a mask (hex), from the guest's own table.
TMPL_LIST=""
END_NAMES=""
tmpl_names() {
	local m=$((0x$1)) i=0 out="" t
	for t in $TMPL_LIST; do
		[ $(( (m >> i) & 1 )) = 1 ] && out="$out${out:+,}$t"
		i=$((i + 1))
	done
	echo "${out:-?}"
}

# A reference run per NPT mode: the guest boots and exits (mode=none); its
# L1 state is the integrity baseline.
baselines() {
	local npt
	for npt in eager lazy; do
		EVFILE=$W/baseline.events
		fz_run "baseline-$npt" "$npt" vmmcall "mode=none"
		if [ "$(status_of "baseline-$npt")" != pass ] || [ ! -f "$W/baseline.$npt" ]; then
			echo "fuzz-l1: the reference run (NPT $npt) did not pass: $(status_of "baseline-$npt")" >&2
			cat "$W/runs/baseline-$npt.out" >&2
			exit 2
		fi
	done
	TMPL_LIST=$(sed -n 's/.*nestlab-fuzz: templates \(.*\)$/\1/p' "$W/runs/baseline-eager.con" |
		head -1 | tr ',' ' ')
	END_NAMES=$(sed -n 's/.*nestlab-fuzz: ends \(.*\)$/\1/p' "$W/runs/baseline-eager.con" | head -1)
}

spawn() {
	while [ "$(jobs -pr | wc -l)" -ge "$JOBS" ]; do wait -n; done
	"$@" &
}

cfg_cpl() { [ -n "$CPL" ] && echo "$CPL" || echo "$1"; }
cfg_npt() { [ -n "$NPT" ] && echo "$NPT" || echo "$1"; }

images() {
	local list=$W/images.list f expect what
	"$BUILD/fuzz/mkimages" "$BUILD/guests/l2kernel.bin" "$W/images" "$IMAGES" "$SEED" "$L2MEM" \
		>"$list" || return
	while read -r f expect what; do
		spawn image_one "$f" "$expect" "$what"
	done <"$list"
	wait
}

image_one() {
	local f=$1 expect=$2 what=$3 name st ok=0 json
	name=img-$(basename "$f" .bin)
	EVFILE=$W/$name.events
	: >"$EVFILE"
	json=$W/runs/$name.json
	timeout $((TIMEOUT + 30)) "$NESTLAB" run --workload null --iterations 1 --accel tcg \
		--timeout 30 --l2-image "$f" --l2mem "$L2MEM" --mem $((L2MEM + 24)) --keep -q \
		--json "$json" >"$W/runs/$name.out" 2>&1
	local dir
	dir=$(sed -n 's/^run directory kept: //p' "$W/runs/$name.out")
	if [ -n "$dir" ] && [ -d "$dir" ]; then
		cp "$dir/console.log" "$W/runs/$name.con"
		"$L1CHECK" --ram "$dir/guest-ram" --elf "$L1ELF" --console "$dir/console.log" \
			--baseline "$W/baseline.eager" >"$W/runs/$name.int" 2>&1
		rm -rf "$dir"
	else
		: >"$W/runs/$name.con"; : >"$W/runs/$name.int"
	fi
	st=$(status_of "$name")
	ev run "$st" 1
	case "$expect:$st" in
	bad_config:bad_config) ok=1 ;;
	l2:pass|l2:bad_config|l2:workload_fail|l2:l2_*) ok=1 ;;
	esac
	if [ $ok = 0 ]; then
		ev finding "image-$st" "$f" "image $what: $st, want $expect: $(diag_of "$name")"
	fi
	while IFS= read -r line; do
		ev finding "integrity-$(echo "$line" | awk '{print $2}')" "$f" "image $what: $line"
	done < <(grep '^INTEGRITY .* FAIL' "$W/runs/$name.int")
}

replay() {
	local npt=${NPT:-eager} cpl=${CPL:-0} seed blk last name
	baselines >/dev/null
	case "$REPLAY" in
	h:*)
		IFS=: read -r _ seed blk <<<"$REPLAY"
		name=replay
		fz_run "$name" "$npt" vmmcall "mode=hypercalls seed=$seed start=$blk count=1 cpl=${CPL:-mix} transport=${TRANSPORT:-mix} verbose=1" ;;
	*)
		IFS=: read -r seed blk <<<"$REPLAY"
		last=${blk#*-}; blk=${blk%-*}
		name=replay
		fz_run "$name" "$npt" vmmcall "mode=blocks seed=$seed start=$blk blocks=$((last - blk + 1)) cpl=$cpl verbose=1$(opts)" ;;
	esac
	grep -a -v '^nestlab-l1: \(self test\|SVM with\|nestlab L1\)' "$W/runs/$name.con"
	cat "$W/runs/$name.int"
	echo "status: $(status_of "$name")"
	grep -qa 'FINDING' "$W/runs/$name.con" || grep -q 'FAIL' "$W/runs/$name.int" ||
		[ "$(status_of "$name")" != pass ] && return 1
	return 0
}

# known_tags: for each finding event on stdin, the known defect whose
# "match" line in known-defects.list explains it, or "new".
known_tags() {
	local kind def cls re f_cls f_det i tag
	local -a defs=() clss=() res=()
	while read -r kind def cls re; do
		[ "$kind" = match ] || continue
		defs+=("$def"); clss+=("$cls"); res+=("$re")
	done <tests/fuzz/known-defects.list
	while IFS=$'\t' read -r kind f_cls _ f_det; do
		[ "$kind" = finding ] || continue
		tag=new
		for i in "${!defs[@]}"; do
			if [ "$f_cls" = "${clss[i]}" ] && grep -Eq -- "${res[i]}" <<<"$f_det"; then
				tag=${defs[i]}; break
			fi
		done
		echo "$tag"
	done
}

report() {
	local f total
	cat "$W"/*.events 2>/dev/null >"$W/all.events"
	total=$(grep -c '^finding' "$W/all.events")
	echo "fuzz-l1: seed $SEED: $(ls "$W"/runs/*.json 2>/dev/null | wc -l) runs:" \
		"$(cat "$W"/blk*.events 2>/dev/null | grep -c '^run') with blocks" \
		"($(grep -c . "$W/blocks.parts" 2>/dev/null || echo 0) parts)," \
		"$(cat "$W"/hc*.events 2>/dev/null | grep -c '^run') with hypercalls," \
		"$(cat "$W"/img-*.events 2>/dev/null | grep -c '^run') images, 2 references"
	awk -F'\t' '
		FILENAME ~ /all.events/ && $1 == "run" { st[$2]++; }
		END { printf "  L1 statuses seen:"; for (s in st) printf " %s=%d", s, st[s]; printf "\n" }
	' "$W/all.events"
	blocks_ran=$(cat "$W"/blk*.events 2>/dev/null | awk -F'\t' '$1 == "run" { n += $3 } END { print n + 0 }')
	l2ends=$(cat "$W"/blk*.events 2>/dev/null | grep -c '^l2end')
	hc_ran=$(cat "$W"/hc*.events 2>/dev/null | awk -F'\t' '$1 == "run" { n += $3 } END { print n + 0 }')
	img_ran=$(cat "$W"/img-*.events 2>/dev/null | grep -c '^run')
	echo "  blocks: $blocks_ran run (of $BLOCKS), $l2ends runs ended early by L2 and resumed"
	echo "  hypercalls: $hc_ran run (of $HCALLS)"
	echo "  images: $img_ran run"
	echo "  block ends:$(cat "$W"/blk*.counts 2>/dev/null | awk -v names="$END_NAMES" '
		BEGIN { n = split(names, nm, ",") }
		{ for (i = 1; i <= n && i <= NF; i++) c[i] += $i }
		END { for (i = 1; i <= n; i++) if (c[i]) printf " %s=%d", nm[i], c[i] }')"
	echo "  L2-side run ends (fine):$(grep '^l2end' "$W/all.events" | cut -f2 | sort | uniq -c |
		awk '{ printf " %s=%s", $2, $1 }')"
	echo "  findings: $total"
	grep '^finding' "$W/all.events" | cut -f2 | sort | uniq -c | sort -rn | while read -r n cls; do
		f=$(grep -P "^finding\t$cls\t" "$W/all.events" | head -1)
		printf '    %-16s %6d  e.g. %s\n' "$cls" "$n" "$(echo "$f" | cut -f4 | cut -c1-150)"
		printf '    %-16s %6s  replay: make fuzz-l1 %s\n' "" "" "$(echo "$f" | cut -f3)"
	done
	echo "  findings by known defect (tests/fuzz/known-defects.list):"
	known_tags <"$W/all.events" | sort | uniq -c | sort -rn |
		awk '{ printf "    %-16s %6d\n", $2, $1 }'
	echo "  all events: $W/all.events"
	{
		echo "blocks_ran=$blocks_ran"
		echo "hypercalls_ran=$hc_ran"
		echo "images_ran=$img_ran"
		echo "l2_ends=$l2ends"
		echo "findings=$total"
		echo "findings_blocks=$(cat "$W"/blk*.events 2>/dev/null | grep -c '^finding')"
		echo "findings_hypercalls=$(cat "$W"/hc*.events 2>/dev/null | grep -c '^finding')"
		echo "findings_images=$(cat "$W"/img-*.events 2>/dev/null | grep -c '^finding')"
		echo "findings_integrity=$(grep -cP '^finding\tintegrity' "$W/all.events")"
		echo "integrity_checked=$(cat "$W"/runs/*.int 2>/dev/null | grep -c '^INTEGRITY code')"
	} >"$W/summary.env"
	[ "$total" -eq 0 ]
}

if [ -n "$REPLAY" ]; then
	replay
	exit $?
fi

t0=$(date +%s)
say "fuzz-l1: seed $SEED, $BLOCKS blocks ($PER_RUN per run), $HCALLS hypercalls, $IMAGES images, $JOBS jobs, results in $W"
baselines
cpls=(0 3 mix 0 3 mix)
npts=(eager eager lazy lazy lazy eager)
k=0
: >"$W/blocks.parts"
for ((s = 0; s < BLOCKS; s += PER_RUN)); do
	e=$((s + PER_RUN < BLOCKS ? s + PER_RUN : BLOCKS))
	echo "$s $e" >>"$W/blocks.parts"
	spawn part_units blocks "blk$k" "$s" "$e" "$(cfg_cpl "${cpls[k % 6]}")" \
		"$(cfg_npt "${npts[k % 6]}")" vmmcall
	k=$((k + 1))
done
trs=(vmmcall backdoor mix mix backdoor vmmcall)
hnpt=(eager lazy eager lazy eager lazy)
k=0
for ((s = 0; s < HCALLS; s += HC_PER_RUN)); do
	e=$((s + HC_PER_RUN < HCALLS ? s + HC_PER_RUN : HCALLS))
	spawn part_units hypercalls "hc$k" "$s" "$e" "$(cfg_cpl mix)" "$(cfg_npt "${hnpt[k % 6]}")" \
		"${trs[k % 6]}"
	k=$((k + 1))
done
wait
[ "$IMAGES" -gt 0 ] && images
report
rc=$?
say "fuzz-l1: $(( $(date +%s) - t0 )) s"
exit $rc
