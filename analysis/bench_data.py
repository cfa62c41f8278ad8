"""A bench result set as tables: one row per member (experiment, case, cell).

Reads DIR/plan.json (experiments, cells, exit-model expectations, written by
`nestlab bench`) and DIR/collected.json (each run's state and figures), and
computes each member's metrics from its cell's passing runs: the median of
the repeats, with their min and max (equal under icount). A metric that does
not apply is None with no reason; a missing value carries its reason (the
cell not available, failed, timed out, not run).

Metrics (docs/bench.md):
  tsc                 phase ticks (TSC between the workload's markers)
  ticks_per_iter      tsc / N
  exits               exits in the phase, all reasons (level 2)
  exits_per_iter      exits / N
  reason_exits        exits of the case's exit reason (all if none given)
  cycles_per_exit     L1 cycles / exit of that reason (all if none given)
  l1_cycles           L1 cycles in the phase, all reasons
  l1_cycles_per_iter  l1_cycles / N
  model_ok            1 when the phase's exits equal the workload's model
"""

import json
import os
import statistics

KEYS = ["case", "workload", "transport", "npt", "iterations", "level", "l1"]
METRICS = ["tsc", "ticks_per_iter", "exits", "exits_per_iter", "reason_exits",
           "cycles_per_exit", "l1_cycles", "l1_cycles_per_iter", "model_ok"]
PER_ITER = {"ticks_per_iter", "exits_per_iter", "l1_cycles_per_iter"}
COUNTED = {"exits", "exits_per_iter", "reason_exits", "cycles_per_exit",
           "l1_cycles", "l1_cycles_per_iter", "model_ok"}


class ResultSet:
    def __init__(self, path):
        self.path = path
        with open(os.path.join(path, "plan.json")) as f:
            self.plan = json.load(f)
        with open(os.path.join(path, "collected.json")) as f:
            self.collected = json.load(f)
        mpath = os.path.join(path, "manifest.json")
        self.manifest = {}
        if os.path.exists(mpath):
            with open(mpath) as f:
                self.manifest = json.load(f)
        self.cells = {c["id"]: c for c in self.plan["cells"]}
        self.states = {c["id"]: c for c in self.collected["cells"]}

    def experiments(self):
        return self.plan["experiments"]


def _phase(figures, workload):
    phases = (figures or {}).get("phases") or []
    for p in phases:
        if p.get("name") == workload:
            return p
    return phases[0] if phases else None


def run_metrics(figures, cell, member):
    """Every metric of one run; None where it does not apply."""
    out = dict.fromkeys(METRICS)
    phase = _phase(figures, cell["workload"])
    if phase is None or phase.get("tsc") is None:
        return out
    n = cell["iterations"]
    per = member["per_iteration"]
    out["tsc"] = phase["tsc"]
    if per:
        out["ticks_per_iter"] = phase["tsc"] / n
    if cell["level"] != 2:
        return out  # no L1 at level 1: nothing counts exits
    exits = phase.get("exits") or {}
    cycles = phase.get("l1_cycles") or {}
    total = sum(exits.values())
    total_cycles = sum(cycles.values())
    reason = member.get("exit")
    out["exits"] = total
    out["l1_cycles"] = total_cycles
    if per:
        out["exits_per_iter"] = total / n
        out["l1_cycles_per_iter"] = total_cycles / n
    if reason:
        out["reason_exits"] = exits.get(reason, 0)
        # Under KVM as L1 the VMM sees only the exits KVM hands to user
        # space; those KVM handles itself (CPUID, VMMCALL...) have no VMM
        # cycles, which is "not measured", not zero (docs/kvm-l1.md).
        if exits.get(reason) and not (cell.get("l1") == "kvm" and not cycles.get(reason)):
            out["cycles_per_exit"] = cycles.get(reason, 0) / exits[reason]
    else:
        out["reason_exits"] = total
        if total:
            out["cycles_per_exit"] = total_cycles / total
    expect = cell.get("expect")
    if expect and expect.get("exits") is not None:
        out["model_ok"] = 1 if expect["exits"] == exits else 0
    return out


def _state_text(state):
    return {"fail": "FAIL", "timeout": "TIMEOUT", "not_run": "not run",
            "not_available": "n/a"}.get(state, state)


def member_rows(rs, exp):
    """One dict per member of `exp`: keys, state, why, metrics, spread."""
    rows = []
    for m in exp["members"]:
        cell = rs.cells[m["cell"]]
        st = rs.states.get(m["cell"], {"state": "not_run", "why": "not collected"})
        row = {"experiment": exp["name"], "case": m["case"], "cell": m["cell"],
               "workload": cell["workload"], "transport": cell["transport"],
               "npt": cell["npt"], "iterations": str(cell["iterations"]),
               "n": cell["iterations"], "level": str(cell["level"]),
               "l1": cell["l1"], "exit": m.get("exit"),
               "per_iteration": m["per_iteration"], "state": st["state"],
               "why": st.get("why"), "mark": _state_text(st["state"]),
               "repeats": 0, "identical": st.get("identical")}
        runs = [r for r in st.get("runs", []) if r.get("state") == "pass"]
        per_run = [run_metrics(r.get("figures"), cell, m) for r in runs]
        row["repeats"] = len(per_run)
        for k in METRICS:
            vals = [p[k] for p in per_run if p[k] is not None]
            row[k] = statistics.median(vals) if vals else None
            row[k + "_min"] = min(vals) if vals else None
            row[k + "_max"] = max(vals) if vals else None
        rows.append(row)
    return rows


def applies(row, metric):
    """Whether `metric` can have a value for `row` had its run passed."""
    if row["level"] == "1" and metric in COUNTED:
        return False
    return row["per_iteration"] or metric not in PER_ITER


def select(rows, sel):
    """The row matching every key=value of `sel` (strings), the largest N
    when several do; (row, None) or (None, reason)."""
    hits = [r for r in rows if all(r.get(k) == v for k, v in sel.items())]
    if not hits:
        return None, "no such run in this matrix (%s)" % " ".join(
            "%s=%s" % kv for kv in sel.items())
    return max(hits, key=lambda r: r["n"]), None


def value_of(row, metric):
    """(value, None), (None, reason) for a missing one, (None, None) when
    the metric does not apply to the row."""
    if row["state"] != "pass":
        return None, row["why"] or row["mark"]
    v = row.get(metric)
    if v is None:
        return None, None
    return v, None


def resolver(rows, base=None):
    """resolve(metric, sel) for bench_expr.evaluate over `rows`."""
    def resolve(metric, sel):
        full = dict(base or {})
        full.update(sel)
        row, why = select(rows, full)
        if row is None:
            return None, why
        # (None, None): the metric does not apply to that run
        return value_of(row, metric)
    return resolve
