"""The "published" table of an experiment: each [published NAME] figure
from the literature next to ours, both setups named, and ours / published.

A figure in hardware cycles and one in TCG icount ticks are in different
units: their ratio only places the scale and the table says so on that
line. Ratios of ratios (nested/single, design A/design B) and figures in
the same unit compare as such.
"""

import bench_data
import bench_expr


def _num(v):
    if v is None:
        return "-"
    if abs(v) >= 100 or v == int(v):
        return "{:,.0f}".format(v)
    return "%.2f" % v


def evaluate(entry, rows):
    """dict: published low/high, ours, ratio low/high, why ours is missing."""
    lo_node, hi_node = bench_expr.parse_value(entry["value"])
    lo, _ = bench_expr.evaluate(lo_node, lambda m, s: (None, "no refs"))
    hi = None
    if hi_node is not None:
        hi, _ = bench_expr.evaluate(hi_node, lambda m, s: (None, "no refs"))
    ours, why = bench_expr.evaluate(bench_expr.parse_expr(entry["ours"]),
                                    bench_data.resolver(rows))
    out = {"name": entry["name"], "published_low": lo, "published_high": hi,
           "ours": ours, "why": why, "ratio_low": None, "ratio_high": None}
    if ours is not None:
        # ours / published: against a range, against its high and low ends
        if hi is not None:
            out["ratio_low"] = ours / hi if hi else None
            out["ratio_high"] = ours / lo if lo else None
        else:
            out["ratio_low"] = ours / lo if lo else None
    return out


def markdown(entries, rows):
    header = ["figure", "published", "published setup", "source", "ours", "our setup",
              "ours / published", "units"]
    body = []
    for e in entries:
        r = evaluate(e, rows)
        pub = _num(r["published_low"])
        if r["published_high"] is not None:
            pub += " .. " + _num(r["published_high"])
        pub += " " + e["unit"]
        if r["ours"] is None:
            ours = r["why"] if r["why"] else "-"
            ratio = "-"
        else:
            ours = "%s %s" % (_num(r["ours"]), e["ours_unit"])
            ratio = "%.3g" % r["ratio_low"] if r["ratio_low"] is not None else "-"
            if r["ratio_high"] is not None:
                ratio += " .. %.3g" % r["ratio_high"]
        units = ("same unit" if e["same_unit"] else
                 "different units (hardware cycles vs TCG ticks): scale only")
        if e.get("note"):
            units += "; " + e["note"]
        body.append([e["figure"], pub, e["setup"], e["source"], ours, e["ours_setup"],
                     ratio, units])
    out = "| " + " | ".join(header) + " |\n|" + "|".join("---" for _ in header) + "|\n"
    for line in body:
        out += "| " + " | ".join(x.replace("|", "/") for x in line) + " |\n"
    return out
