#!/usr/bin/python3
"""The analysis on a small fixture result set, whose every figure is known:
runs bench_report.py on it and checks the numbers in the tables it writes
(the pivot, a ratio column, footnotes of a failed and a not-available cell,
median (min-max) of repeats that vary, the fit's slope and intercept, the
published table's ratio and ranges), the CSV, the plots and report.md.
Prints one PASS:/FAIL: line per check (scripts/run-tests.sh counts them).
"""

import csv
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import bench_expr  # noqa: E402
import bench_report  # noqa: E402

failed = 0


def check(name, ok, detail=""):
    global failed
    if ok:
        print("PASS: analysis: %s" % name)
    else:
        failed += 1
        print("FAIL: analysis: %s%s" % (name, ("\n    " + detail.replace("\n", "\n    "))
                                        if detail else ""))


def cell(cid, wl, level, n, l1="nestlab", npt="eager", available=True, expect=None):
    return {"id": cid, "workload": wl, "transport": "vmmcall",
            "npt": npt if level == 2 else "-", "iterations": n, "level": level,
            "l1": l1 if level == 2 else "-", "l2mem": None, "mem": None,
            "available": available,
            "why": None if available else "not available (--l1 kvm not built)",
            "expect": expect, "runs": []}


def run(wl, tsc, exits=None, cycles=None, icount=True, state="pass", why=None):
    return {"rep": 1, "dir": "runs/x/r1", "rc": 0 if state == "pass" else 1,
            "state": state, "why": why, "status": "pass" if state == "pass" else "l1_error",
            "accel": "tcg", "icount": icount, "wall_seconds": 1.0,
            "figures": {"phases": [{"name": wl, "tsc": tsc, "exits": exits or {},
                                    "l1_cycles": cycles or {}}],
                        "totals": {"exits": {}, "l1_cycles": {}}}}


def collected_cell(cid, runs, state="pass", why=None, identical=None, icount=True):
    return {"id": cid, "state": state, "why": why, "identical": identical,
            "icount": icount, "runs": runs}


def member(cid, case, exit_reason):
    return {"cell": cid, "case": case, "exit": exit_reason, "per_iteration": True}


def fixture(d):
    cells = [
        cell("cpuid-l1", "cpuid", 1, 100),
        cell("cpuid-l2", "cpuid", 2, 100, expect={"status": "pass", "exits": {"cpuid": 100}}),
        cell("cpuid-kvm", "cpuid", 2, 100, l1="kvm", available=False),
        cell("npf-100", "pagefault", 2, 100, npt="lazy"),
        cell("npf-1000", "pagefault", 2, 1000, npt="lazy"),
        cell("pio-l2", "pio", 2, 100),
        cell("getpid-l2", "getpid", 2, 100),
    ]
    coll = [
        collected_cell("cpuid-l1", [run("cpuid", 1000)]),
        collected_cell("cpuid-l2", [run("cpuid", 40000, {"cpuid": 100}, {"cpuid": 30000})] * 2,
                       identical=True),
        collected_cell("cpuid-kvm", [], state="not_available",
                       why="not available (--l1 kvm not built)"),
        collected_cell("npf-100", [run("pagefault", 170000, {"npf": 100}, {"npf": 77600})]),
        collected_cell("npf-1000", [run("pagefault", 1610000, {"npf": 1000},
                                        {"npf": 776000})]),
        collected_cell("pio-l2", [run("pio", None, state="fail", why="l1_error: boom")],
                       state="fail", why="l1_error: boom"),
        collected_cell("getpid-l2", [run("getpid", t, icount=False) for t in (6500, 6700, 6600)],
                       identical=False, icount=False),
    ]
    members = [member("cpuid-l1", "cpuid", "cpuid"), member("cpuid-l2", "cpuid", "cpuid"),
               member("cpuid-kvm", "cpuid", "cpuid"), member("npf-100", "npf", "npf"),
               member("npf-1000", "npf", "npf"), member("pio-l2", "pio", "ioio"),
               member("getpid-l2", "getpid", None)]
    pub = {"figure": "F", "unit": "x", "source": "S", "setup": "hw", "ours_unit": "y",
           "ours_setup": "tcg", "same_unit": True, "note": None}
    exp = {
        "name": "fx", "question": "Does the analysis compute?", "file": "experiments/fx.ini",
        "cases": [], "members": members,
        "table": {"rows": ["case"], "columns": ["level", "l1"],
                  "values": ["ticks_per_iter", "cycles_per_exit"],
                  "ratios": [{"label": "nested/single",
                              "spec": "ticks_per_iter level=2 l1=nestlab / level=1"}]},
        "plots": [{"name": "ticks", "x": "case", "y": "ticks_per_iter",
                   "series": ["level", "l1"], "kind": "bar", "title": None,
                   "logx": False, "logy": True},
                  {"name": "npf", "x": "iterations", "y": "tsc", "series": ["case"],
                   "kind": "line", "title": "npf", "logx": True, "logy": False}],
        "fit": {"x": "iterations", "y": ["tsc", "exits"], "by": ["case"],
                "tolerance_pct": 1.0},
        "published": [
            dict(pub, name="p1", value="20",
                 ours="ticks_per_iter[case=cpuid level=2 l1=nestlab] / "
                      "ticks_per_iter[case=cpuid level=1]"),
            dict(pub, name="p2", value="100 .. 300",
                 ours="cycles_per_exit[case=cpuid level=2 l1=nestlab]", same_unit=False),
            dict(pub, name="p3", value="18890 / 8304",
                 ours="ticks_per_iter[case=cpuid l1=kvm] / ticks_per_iter[case=cpuid "
                      "l1=nestlab]"),
        ],
    }
    plan = {"format": "nestlab-bench-plan 1", "full": False, "repeat": 1, "timeout_s": 300,
            "accel": None, "launcher": "/x/nestlab", "launcher_l1": False,
            "experiments": [exp], "cells": cells}
    manifest = {"nestlab_commit": "abc", "nestlab_dirty": False, "qemu_version": "QEMU 7.2",
                "host_cpu": "CPU", "cores": 2, "kernel": "6.1", "accel": "tcg",
                "icount": True, "date": "2000-01-01T00:00:00Z", "mode": "bench"}
    for name, obj in (("plan.json", plan), ("collected.json", {"cells": coll}),
                      ("manifest.json", manifest)):
        with open(os.path.join(d, name), "w") as f:
            json.dump(obj, f)


def read(path):
    with open(path) as f:
        return f.read()


def main():
    d = tempfile.mkdtemp(prefix="nestlab-analysis-")
    try:
        fixture(d)
        rc = bench_report.main(["bench_report.py", d, "--quiet"])
        check("bench_report exits 0", rc == 0)
        table = read(os.path.join(d, "fx", "table.md"))
        lines = {ln.split(" | ")[0].strip("| "): ln for ln in table.splitlines()}
        check("header", "| case | ticks/iter level 1 | ticks/iter level 2 nestlab L1 | "
              "ticks/iter level 2 KVM L1 | L1 cycles/exit level 2 nestlab L1 | "
              "L1 cycles/exit level 2 KVM L1 | nested/single |" in table, table)
        check("cpuid row: 10.0, 400.0, n/a, 300.0, n/a, ratio 40.00",
              lines.get("cpuid") == "| cpuid | 10.0 | 400.0 | n/a [1] | 300.0 | n/a [1] | "
              "40.00 |", lines.get("cpuid", table))
        check("npf row: largest N (1610.0 ticks/iter, 776.0 cycles/exit)",
              lines.get("npf", "").startswith("| npf |  | 1610.0 |  | 776.0 |"),
              lines.get("npf", table))
        check("failed cell: FAIL with its reason as a footnote",
              "| pio |  | FAIL [2] |  | FAIL [2] |  | - [2] |" in table and "[2] l1_error: boom" in table, table)
        check("not available footnote", "[1] not available (--l1 kvm not built)" in table, table)
        check("repeats that vary: median (min-max)", "66.0 (65.0-67.0)" in table, table)
        fit = read(os.path.join(d, "fx", "fit.md"))
        check("fit tsc: slope 1600, intercept 10000, exact",
              "| npf | phase ticks | 2 | 1600.0000 | 10000.0 | 1.000000 | 0.000 % | "
              "yes, exact |" in fit, fit)
        check("fit exits: slope 1, intercept 0",
              "| npf | exits | 2 | 1.0000 | 0.0 |" in fit, fit)
        check("fit with one point: not enough points",
              "| cpuid | phase ticks | 2 |" in fit and "| pio | phase ticks | 0 |" in fit
              and "not enough points (failed: pio-l2)" in fit, fit)
        pub = read(os.path.join(d, "fx", "published.md"))
        plines = pub.splitlines()
        check("published p1: ours 40, ratio 2", "| 20 x | hw | S | 40 y | tcg | 2 | same unit |"
              in plines[2], plines[2])
        check("published p2: range 100 .. 300, ratio 1 .. 3, units differ",
              "| 100 .. 300 x |" in plines[3] and "| 300 y | tcg | 1 .. 3 | different units"
              in plines[3], plines[3])
        check("published p3: value 18890/8304 shown, ours not available",
              "| 2.27 x |" in plines[4] and
              "| not available (--l1 kvm not built) |" in plines[4], plines[4])
        with open(os.path.join(d, "fx", "fx.csv")) as f:
            rows = {r["cell"]: r for r in csv.DictReader(f)}
        check("csv: cpuid-l2 ticks_per_iter 400, cycles_per_exit 300, model_ok 1",
              rows["cpuid-l2"]["ticks_per_iter"] == "400" and
              rows["cpuid-l2"]["cycles_per_exit"] == "300" and
              rows["cpuid-l2"]["model_ok"] == "1", str(rows.get("cpuid-l2")))
        check("csv: level 1 has no exit counts", rows["cpuid-l1"]["exits"] == "", 
              str(rows.get("cpuid-l1")))
        for p in ("ticks.png", "ticks.svg", "npf.png", "npf.svg"):
            path = os.path.join(d, "fx", p)
            check("plot %s written" % p, os.path.getsize(path) > 1000 if os.path.exists(path)
                  else False)
        report = read(os.path.join(d, "report.md"))
        check("report: question, table, plot, published",
              "**Question.** Does the analysis compute?" in report and "| cpuid | 10.0 |"
              in report and "![ticks](fx/ticks.png)" in report and
              "### Published figures" in report, report[:2000])
        check("report: failed run listed", "- `pio-l2`: l1_error: boom" in report, report)
        check("report: provenance block", bench_report.PROVENANCE_BEGIN in report and
              "| nestlab commit | abc |" in report)
        first = report
        bench_report.main(["bench_report.py", d, "--quiet"])
        check("report deterministic", read(os.path.join(d, "report.md")) == first)
        check("expr: precedence and range",
              bench_expr.evaluate(bench_expr.parse_expr("1 + 2 * 3 - -4 / 2"),
                                  None)[0] == 9.0 and
              bench_expr.parse_value("6..8")[1] is not None)
    finally:
        shutil.rmtree(d)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
