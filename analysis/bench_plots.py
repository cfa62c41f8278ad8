"""The plots of one experiment ([plot NAME]): y (a metric) against x (a
cell key), one series per combination of the series keys; bars for
categories, lines for a numeric x (iterations). Each plot is written as
PNG and SVG, atomically (temporary file + rename), with no date in the SVG
so that the same figures give the same file.
"""

import os
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import bench_data  # noqa: E402
import bench_tables  # noqa: E402

plt.rcParams["svg.hashsalt"] = "nestlab-bench"


def _series(rows, keys):
    seen = []
    for r in rows:
        t = tuple(r[k] for k in keys)
        if t not in seen:
            seen.append(t)
    return seen


def _label(keys, values):
    text = " ".join(x for x in (bench_tables.key_label(k, v) for k, v in zip(keys, values))
                    if x)
    return text or "all"


def _points(rows, plot, sv):
    """(x, y) of the passing rows of series sv, in row order."""
    out = []
    for r in rows:
        if tuple(r[k] for k in plot["series"]) != sv:
            continue
        if r["state"] != "pass" or r.get(plot["y"]) is None:
            continue
        out.append((r[plot["x"]], r[plot["y"]], r["n"]))
    return out


def draw(rows, plot, exp_name):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    series = _series(rows, plot["series"])
    drawn = 0
    if plot["kind"] == "line":
        for sv in series:
            pts = _points(rows, plot, sv)
            if plot["x"] == "iterations":
                pts = sorted(pts, key=lambda p: p[2])
                xs = [p[2] for p in pts]
            else:
                xs = [p[0] for p in pts]
            if pts:
                ax.plot(xs, [p[1] for p in pts], marker="o", label=_label(plot["series"], sv))
                drawn += 1
    else:
        cats = []
        for r in rows:
            if r[plot["x"]] not in cats:
                cats.append(r[plot["x"]])
        live = [sv for sv in series if _points(rows, plot, sv)]
        width = 0.8 / max(len(live), 1)
        for i, sv in enumerate(live):
            pts = {p[0]: p[1] for p in _points(rows, plot, sv)}
            xs = [j + i * width for j, c in enumerate(cats) if c in pts]
            ax.bar(xs, [pts[c] for c in cats if c in pts], width,
                   label=_label(plot["series"], sv))
            drawn += 1
        ax.set_xticks([j + width * (len(live) - 1) / 2 for j in range(len(cats))])
        ax.set_xticklabels(cats, rotation=30 if len(cats) > 5 else 0, ha="right"
                           if len(cats) > 5 else "center")
    # series without a point because runs did not pass (not those to which
    # the metric does not apply) are named under the plot, with the reasons
    failed = [r for r in rows if r["state"] != "pass" and bench_data.applies(r, plot["y"])]
    missing = [sv for sv in series if not _points(rows, plot, sv) and
               any(tuple(r[k] for k in plot["series"]) == sv for r in failed)]
    note = ""
    if missing:
        why = sorted({r["why"] or r["mark"] for r in failed
                      if tuple(r[k] for k in plot["series"]) in missing})
        note = textwrap.fill("not shown: %s (%s)" % (
            ", ".join(_label(plot["series"], sv) for sv in missing), "; ".join(why)), 120)
        fig.text(0.01, 0.01, note, fontsize="small", color="0.4", va="bottom")
    if plot.get("logx"):
        ax.set_xscale("log")
    if plot.get("logy") and drawn:
        ax.set_yscale("log")
    ax.set_xlabel(plot["x"])
    ax.set_ylabel(bench_tables.LABELS.get(plot["y"], plot["y"]))
    ax.set_title(plot.get("title") or "%s: %s" % (exp_name, plot["name"]))
    if drawn:
        ax.legend(fontsize="small")
    else:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout(rect=(0, 0.035 * (note.count("\n") + 1) if note else 0, 1, 1))
    return fig


def save(fig, base):
    """base.png and base.svg, each through a temporary file."""
    names = []
    for ext, kw in (("png", {"dpi": 100, "metadata": {"Software": None}}),
                    ("svg", {"metadata": {"Date": None, "Creator": None}})):
        path = "%s.%s" % (base, ext)
        tmp = "%s.tmp.%d" % (path, os.getpid())
        fig.savefig(tmp, format=ext, **kw)
        os.replace(tmp, path)
        names.append(path)
    plt.close(fig)
    return names
