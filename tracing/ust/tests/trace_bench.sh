#!/bin/bash
# Runs trace-bench inside a fresh LTTng session (nestlab channel as the
# launcher sets it up: 8 x 4 MiB sub-buffers, blocking), then checks with
# `nestlab trace-stats` (babeltrace2) that every emitted record reached the
# trace.
#   trace_bench.sh BENCH SINK_SO NESTLAB [ROUNDS]
set -u
bench=$1; so=$2; nestlab=$3; rounds=${4:-5}
out=$(mktemp -d /tmp/nestlab-bench.XXXXXX); trap 'lttng --no-sessiond destroy "$name" >/dev/null 2>&1; rm -rf "$out"' EXIT
name=nestlab-bench-$$
pgrep -x lttng-sessiond >/dev/null || lttng-sessiond --daemonize || exit 1
lttng --no-sessiond create "$name" --output "$out/trace" >/dev/null &&
lttng --no-sessiond enable-channel --userspace --session "$name" --subbuf-size 4M \
	--num-subbuf 8 --blocking-timeout inf nestlab >/dev/null &&
lttng --no-sessiond enable-event --userspace --session "$name" --channel nestlab 'nestlab:*' >/dev/null &&
lttng --no-sessiond start "$name" >/dev/null || exit 1
"$bench" --sink "$so" --rounds "$rounds" || exit 1
lttng --no-sessiond stop "$name" >/dev/null
want=$((rounds * 2 * 1048576))
got=$("$nestlab" trace-stats "$out/trace" | sed -n 's/^events: \([0-9]*\) nestlab records.*/\1/p')
echo "trace-bench: the trace holds $got events (emitted $want)"
[ "$got" -eq "$want" ]
