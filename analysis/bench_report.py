#!/usr/bin/python3
"""The analysis of a bench result set: `bench_report.py DIR [--quiet]`.

`nestlab bench` runs it at the end (and `nestlab bench --collect DIR`).
For each experiment of DIR/plan.json it writes DIR/<experiment>/:
<experiment>.csv (one row per member: cell keys, state, every metric),
table.md, fit.md and fit.csv (experiments with [fit]), published.md, and
each plot as <plot>.png and <plot>.svg; then DIR/report.md: per experiment
the question, the table, the plots and the published table. Every file is
written through a temporary file and renamed. Everything but the block
between the provenance markers depends only on the runs' figures, so two
result sets of the same matrix and figures give the same report.
Exit status 0, or 1 when something could not be written or read.
"""

import csv
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pandas as pd  # noqa: E402

import bench_data  # noqa: E402
import bench_plots  # noqa: E402
import bench_published  # noqa: E402
import bench_tables  # noqa: E402

CSV_COLUMNS = (["experiment", "case", "cell"] + bench_data.KEYS[1:] +
               ["exit", "per_iteration", "state", "why", "repeats"] + bench_data.METRICS)
PROVENANCE_BEGIN = "<!-- provenance -->"
PROVENANCE_END = "<!-- /provenance -->"


def atomic_write(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_csv(path, rows):
    df = pd.DataFrame(rows, columns=CSV_COLUMNS)
    buf = io.StringIO()
    df.to_csv(buf, index=False, float_format="%.10g", quoting=csv.QUOTE_MINIMAL)
    atomic_write(path, buf.getvalue())


def provenance(rs):
    m = rs.manifest
    commit = m.get("nestlab_commit") or "unknown"
    if m.get("nestlab_dirty"):
        commit += " (with uncommitted changes)"
    icount = m.get("icount")
    icount_text = ("on (`-icount shift=0,sleep=off`: one tick is one guest instruction)"
                   if icount is True else "off" if icount is False else str(icount))
    lines = [
        PROVENANCE_BEGIN,
        "| | |", "|---|---|",
        "| nestlab commit | %s |" % commit,
        "| QEMU | %s |" % (m.get("qemu_version") or "unknown"),
        "| host | %s, %s cores, Linux %s |" % (m.get("host_cpu") or "unknown CPU",
                                              m.get("cores", "?"), m.get("kernel", "?")),
        "| accelerator | %s, icount %s |" % (m.get("accel") or "unknown", icount_text),
        "| date | %s |" % m.get("date", "unknown"),
        "| made by | `nestlab bench%s` |" % (" --collect" if m.get("mode") == "collect"
                                           else ""),
        PROVENANCE_END, "",
    ]
    return "\n".join(lines)


def run_summary(rs):
    counts = {}
    runs = 0
    for c in rs.collected["cells"]:
        for r in c.get("runs", []):
            runs += 1
            counts[r["state"]] = counts.get(r["state"], 0) + 1
    cells = len(rs.collected["cells"])
    na = sum(1 for c in rs.collected["cells"] if c["state"] == "not_available")
    text = ("%d cells (%d not available), %d runs: %d passed, %d failed, %d timed out, "
            "%d not run. Matrix: %s, %d run(s) per cell." %
            (cells, na, runs, counts.get("pass", 0), counts.get("fail", 0),
             counts.get("timeout", 0), counts.get("not_run", 0),
             "full" if rs.plan.get("full") else "quick", rs.plan.get("repeat", 1)))
    bad = [(c["id"], c.get("why")) for c in rs.collected["cells"]
           if c["state"] not in ("pass", "not_available")]
    if bad:
        text += "\n\nRuns that did not pass (kept in runs/):\n\n"
        text += "".join("- `%s`: %s\n" % b for b in bad)
    differ = [c["id"] for c in rs.collected["cells"]
              if c.get("identical") is False and c.get("icount")]
    if differ:
        text += ("\n\n**Repeats differ under icount** (they must not): %s\n" %
                 ", ".join("`%s`" % d for d in differ))
    elif rs.plan.get("repeat", 1) > 1:
        vary = [c["id"] for c in rs.collected["cells"] if c.get("identical") is False]
        text += ("\n\nRepeats: all identical." if not vary else
                 "\n\nRepeats vary (no icount): tables show median (min-max).")
    return text + "\n"


UNITS = """**Units.** *ticks*: the L2 guest's TSC between a phase's begin and end
markers; under TCG with icount one tick is one guest instruction, not a CPU
cycle. *L1 cycles*: L1's TSC from a #VMEXIT to the end of its handling, the
same clock. *ticks/iter*: phase ticks / N. Figures from papers are hardware
CPU cycles: a different unit, so the published tables compare ratios
(nested/single, design A/design B) and mark the lines whose units differ.
"""


def experiment(rs, exp, quiet):
    name = exp["name"]
    outdir = os.path.join(rs.path, name)
    os.makedirs(outdir, exist_ok=True)
    rows = bench_data.member_rows(rs, exp)
    write_csv(os.path.join(outdir, name + ".csv"), rows)
    md = ["## %s\n" % name, "**Question.** %s\n" % exp["question"],
          "Matrix: %d cells, from `%s`.\n" % (len({r["cell"] for r in rows}), exp["file"])]
    table = (bench_tables.table_markdown(rows, exp["table"]) if exp.get("table")
             else bench_tables.default_table(rows))
    atomic_write(os.path.join(outdir, "table.md"), table)
    md.append(table)
    if exp.get("fit"):
        results = bench_tables.fits(rows, exp["fit"])
        fit_md = bench_tables.fit_markdown(results, exp["fit"])
        atomic_write(os.path.join(outdir, "fit.md"), fit_md)
        buf = io.StringIO()
        pd.DataFrame(results).drop(columns=["missing"]).to_csv(buf, index=False,
                                                               float_format="%.10g")
        atomic_write(os.path.join(outdir, "fit.csv"), buf.getvalue())
        md.append("### Fit against N\n")
        md.append(fit_md)
    for plot in exp.get("plots", []):
        fig = bench_plots.draw(rows, plot, name)
        bench_plots.save(fig, os.path.join(outdir, plot["name"]))
        md.append("![%s](%s/%s.png) ([SVG](%s/%s.svg))\n" %
                  (plot.get("title") or plot["name"], name, plot["name"], name, plot["name"]))
    md.append("### Published figures\n")
    if exp.get("published"):
        pub = bench_published.markdown(exp["published"], rows)
        atomic_write(os.path.join(outdir, "published.md"), pub)
        md.append(pub)
    else:
        md.append("No published figure to compare with.\n")
    if not quiet:
        print("analysis: %s: %s/" % (name, os.path.relpath(outdir)))
    return "\n".join(md)


def main(argv):
    args = [a for a in argv[1:] if a != "--quiet"]
    quiet = "--quiet" in argv[1:]
    if len(args) != 1:
        print("usage: bench_report.py DIR [--quiet]", file=sys.stderr)
        return 2
    try:
        rs = bench_data.ResultSet(args[0])
    except (OSError, ValueError) as e:
        print("analysis: cannot read the result set %s: %s" % (args[0], e), file=sys.stderr)
        return 1
    parts = ["# nestlab bench report\n", provenance(rs), run_summary(rs), UNITS]
    for exp in rs.experiments():
        parts.append(experiment(rs, exp, quiet))
    atomic_write(os.path.join(rs.path, "report.md"), "\n".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
