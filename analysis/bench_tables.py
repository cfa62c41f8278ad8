"""Markdown tables of one experiment: its [table] pivot with ratio columns,
its [fit] lines, and the footnotes that say why a value is missing.

A table cell shows the value (the median of the repeats, "median
(min-max)" when they differ), "-" when the metric does not apply (exits at
level 1, per-iteration figures of a fixed probe), or a mark with a
footnote: "n/a [1]" (not available, e.g. --l1 kvm not built), "FAIL [2]",
"TIMEOUT [3]", "not run [4]".
"""

import numpy as np

import bench_data
import bench_expr

LABELS = {"tsc": "phase ticks", "ticks_per_iter": "ticks/iter", "exits": "exits",
          "exits_per_iter": "exits/iter", "reason_exits": "exits (reason)",
          "cycles_per_exit": "L1 cycles/exit", "l1_cycles": "L1 cycles",
          "l1_cycles_per_iter": "L1 cycles/iter", "model_ok": "model",
          "ticks_per_call": "ticks/call", "tramp_hit_pct": "hit %",
          "tramp_generations": "generations"}
FORMATS = {"tsc": "%.0f", "exits": "%.0f", "reason_exits": "%.0f", "l1_cycles": "%.0f",
           "ticks_per_iter": "%.1f", "exits_per_iter": "%.3f", "cycles_per_exit": "%.1f",
           "l1_cycles_per_iter": "%.1f", "ticks_per_call": "%.2f", "tramp_hit_pct": "%.1f",
           "tramp_generations": "%.0f"}


def fmt(metric, v):
    if v is None:
        return "-"
    if metric == "model_ok":
        return "yes" if v else "NO"
    return FORMATS.get(metric, "%.2f") % v


def key_label(key, value):
    """How one cell-key value reads in a header: level 2, N=100, nestlab."""
    if value in (None, "-"):
        return ""
    if key == "level":
        return "level " + value
    if key == "iterations":
        return "N=" + value
    if key == "l1":
        return {"kvm": "KVM L1", "nestlab": "nestlab L1"}.get(value, value)
    if key == "npt":
        return value + " NPT"
    return value


class Notes:
    """Numbered footnotes, one per distinct reason."""

    def __init__(self):
        self.reasons = []

    def mark(self, text, reason):
        if reason not in self.reasons:
            self.reasons.append(reason)
        return "%s [%d]" % (text, self.reasons.index(reason) + 1)

    def render(self):
        return "".join("[%d] %s  \n" % (i + 1, r) for i, r in enumerate(self.reasons))


def cell_text(row, metric):
    """(text, footnote reason or None) of one table cell."""
    if row is None:
        return "", None
    if row["state"] != "pass":
        return row["mark"], row["why"] or row["mark"]
    v = row.get(metric)
    text = fmt(metric, v)
    lo, hi = row.get(metric + "_min"), row.get(metric + "_max")
    if v is not None and lo != hi:
        text += " (%s-%s)" % (fmt(metric, lo), fmt(metric, hi))
    return text, None


def ratio_text(v, why):
    if v is not None:
        return "%.2f" % v, None
    if not why or why.startswith("no such run"):
        return "-", None
    return ("n/a" if "not available" in why else "-"), why


def _distinct(rows, keys):
    seen = []
    for r in rows:
        t = tuple(r[k] for k in keys)
        if t not in seen:
            seen.append(t)
    return seen


def _md(header, body):
    out = "| " + " | ".join(header) + " |\n"
    out += "|" + "|".join("---" for _ in header) + "|\n"
    for line in body:
        out += "| " + " | ".join(line) + " |\n"
    return out


def pivot(rows, table):
    """(header, body rows of strings, Notes) for a [table] spec; footnotes
    are numbered in reading order."""
    notes = Notes()
    rkeys, ckeys, values = table["rows"], table["columns"], table["values"]
    row_vals = _distinct(rows, rkeys)
    col_vals = _distinct(rows, ckeys) if ckeys else [()]
    columns = []
    for metric in values:
        for cv in col_vals:
            sel = dict(zip(ckeys, cv))
            picked = []
            for rv in row_vals:
                full = dict(zip(rkeys, rv))
                full.update(sel)
                picked.append(bench_data.select(rows, full)[0])
            # a column where the metric applies to no row at all is left out
            if all(p is None or (p["state"] == "pass" and p.get(metric) is None)
                   for p in picked):
                continue
            label = " ".join(x for x in [LABELS.get(metric, metric)] +
                             [key_label(k, v) for k, v in zip(ckeys, cv)] if x)
            columns.append((label, [cell_text(p, metric) for p in picked]))
    for ratio in table.get("ratios", []):
        metric, num, den = bench_expr.parse_ratio(ratio["spec"])
        texts = []
        for rv in row_vals:
            base = dict(zip(rkeys, rv))
            node = ("bin", "/", ("ref", metric, num), ("ref", metric, den))
            texts.append(ratio_text(*bench_expr.evaluate(node,
                                                         bench_data.resolver(rows, base))))
        columns.append((ratio["label"], texts))
    header = [" ".join(rkeys)] + [c[0] for c in columns]
    body = []
    for i, rv in enumerate(row_vals):
        line = [" ".join(key_label(k, v) or "-" for k, v in zip(rkeys, rv))]
        for c in columns:
            text, why = c[1][i]
            line.append(notes.mark(text, why) if why else text)
        body.append(line)
    return header, body, notes


def table_markdown(rows, table):
    header, body, notes = pivot(rows, table)
    return _md(header, body) + ("\n" + notes.render() if notes.reasons else "")


def default_table(rows):
    """Without [table]: one line per member with the main metrics."""
    notes = Notes()
    metrics = ["tsc", "ticks_per_iter", "exits", "cycles_per_exit"]
    header = ["case", "cell"] + [LABELS[m] for m in metrics]
    body = []
    for r in rows:
        line = [r["case"], r["cell"]]
        for m in metrics:
            text, why = cell_text(r, m)
            line.append(notes.mark(text, why) if why else text)
        body.append(line)
    return _md(header, body) + ("\n" + notes.render() if notes.reasons else "")


def fits(rows, fit):
    """One dict per (group, metric): points, slope, intercept, r2, max
    residual in %, linear (within tolerance), exact (residuals all zero)."""
    out = []
    by = fit["by"]
    for g in _distinct(rows, by):
        grp = [r for r in rows if tuple(r[k] for k in by) == g]
        for metric in fit["y"]:
            pts = sorted((r["n"], r[metric]) for r in grp
                         if r["state"] == "pass" and r.get(metric) is not None)
            models = [r.get("model_ok") for r in grp if r["state"] == "pass"]
            res = {"group": " ".join(g), "metric": metric, "points": len(pts),
                   "model": (all(m == 1 for m in models) if metric == "exits" and models
                             and None not in models else None),
                   "slope": None, "intercept": None, "r2": None, "max_residual_pct": None,
                   "linear": None, "exact": None,
                   "missing": [r["cell"] for r in grp if r["state"] != "pass"]}
            if len(pts) >= 2 and len({p[0] for p in pts}) >= 2:
                x = np.array([p[0] for p in pts], dtype=float)
                y = np.array([p[1] for p in pts], dtype=float)
                slope, icpt = np.polyfit(x, y, 1)
                pred = slope * x + icpt
                resid = y - pred
                ss_res = float(np.sum(resid ** 2))
                ss_tot = float(np.sum((y - y.mean()) ** 2))
                scale = np.where(np.abs(y) > 0, np.abs(y), 1.0)
                rel = float(np.max(np.abs(resid) / scale) * 100)
                res.update(slope=float(slope), intercept=float(icpt),
                           r2=1.0 - ss_res / ss_tot if ss_tot else 1.0,
                           max_residual_pct=rel, linear=rel <= fit["tolerance_pct"],
                           exact=bool(np.all(np.abs(resid) < 1e-6 * np.maximum(scale, 1))))
            out.append(res)
    return out


def fit_markdown(results, fit):
    header = [" ".join(fit["by"]), "figure", "points", "slope (per iteration)",
              "intercept (fixed)", "R^2", "max residual", "linear within %g %%" %
              fit["tolerance_pct"]]
    body = []
    for r in results:
        if r["slope"] is None:
            body.append([r["group"], LABELS.get(r["metric"], r["metric"]), str(r["points"]),
                         "-", "-", "-", "-", "not enough points" +
                         (" (failed: %s)" % ", ".join(r["missing"]) if r["missing"] else "")])
            continue
        verdict = "yes" if r["linear"] else "NO"
        if r["exact"]:
            verdict += ", exact"
        if r["model"] is not None:
            verdict += ", = model" if r["model"] else ", NOT the model"
        body.append([r["group"], LABELS.get(r["metric"], r["metric"]), str(r["points"]),
                     "%.4f" % (round(r["slope"], 4) + 0.0), "%.1f" % (round(r["intercept"], 1) + 0.0),
                     "%.6f" % r["r2"],
                     "%.3f %%" % r["max_residual_pct"], verdict])
    return _md(header, body)
