"""The compile report, read: as text for terminals, as HTML (tables and a
small SVG plot, no plotting library needed) for notebooks."""

import html
import math
import os


def _kib(n):
    if n is None:
        return "-"
    if n < 1024:
        return "%d B" % n
    if n < 1024 * 1024:
        return "%.1f KiB" % (n / 1024)
    return "%.2f MiB" % (n / (1024 * 1024))


def _percent(x):
    return "-" if x is None else "%.2f%%" % (100 * x)


def _db(x, exact=False):
    # JSON has no infinity: SQNR comes back as None for an exact tensor
    # ("exact": true) and for one whose float reference is all zeros.
    if exact:
        return "exact"
    return "-inf" if x is None else "%.1f" % x


def _number(x, form="%.3g"):
    return "-" if x is None else form % x


def _headline(report):
    model = os.path.basename(report.get("model", "model"))
    q = report.get("quantization")
    if q:
        total = q["quantized_ops"] + q["float_ops"]
        what = "%s, %d of %d layers quantized" % (q["mode"], q["quantized_ops"], total)
    else:
        what = "float"
    return "%s -> %s (%s)" % (model, report.get("target", "?"), what)


def _sizes(report):
    size = report.get("size", {})
    before = size.get("before", {}).get("parameter_bytes")
    after = size.get("after", {}).get("parameter_bytes")
    ratio = before / after if before and after else None
    return before, after, ratio, size.get("artifact_bytes")


def _layer_rows(report):
    for layer in report.get("layers", []):
        d = layer.get("divergence", {})
        sqnr = _db(d.get("sqnr_db"), d.get("exact", False)) if d else "-"
        yield (layer["name"] or "?", layer["op"], layer["format"], layer["detail"],
               layer["weight_bytes_before"], layer["weight_bytes_after"],
               d.get("relative_rmse"), sqnr, d.get("cosine"))


def _latency_rows(report, limit=8):
    """The slowest layers of a --profile compile: (name, ms, share)."""
    latency = report.get("latency") or {}
    total = latency.get("total_ms") or 0
    for layer in latency.get("layers", [])[:limit]:
        yield layer["name"], layer["ms"], layer["ms"] / total if total else 0.0


def _latency_caption(report):
    latency = report.get("latency") or {}
    if "note" in latency:
        return "layer latency %s" % latency["note"]
    return ("layer latency on this machine: %.3f ms per run in %d layers (medians "
            "of %d runs, %d thread, zeros in); the slowest:" % (
                latency.get("total_ms", 0), len(latency.get("layers", [])),
                latency.get("runs", 0), latency.get("threads", 1)))


def report_text(report):
    """The report as lines of text."""
    if not report:
        return "no report (the model was loaded without one)"
    lines = ["smelt: " + _headline(report)]
    before, after, ratio, library = _sizes(report)
    lines.append("parameters %s -> %s%s; library %s; compiled in %.2f s" % (
        _kib(before), _kib(after), " (%.2fx smaller)" % ratio if ratio else "",
        _kib(library), report.get("compile_seconds", 0)))
    rows = list(_layer_rows(report))
    if rows:
        width = max(len("layer"), max(len(r[0]) for r in rows))
        fmt = "%-" + str(width) + "s %-13s %-13s %21s %9s %8s %9s"
        lines.append(fmt % ("layer", "op", "format", "weights", "rel.RMSE",
                            "SQNR dB", "cosine"))
        for name, op, form, _, wb, wa, rmse, sqnr, cos in rows:
            weights = "%s -> %s" % (_kib(wb), _kib(wa)) if wb else "-"
            lines.append(fmt % (name, op, form, weights, _percent(rmse), sqnr,
                                _number(cos, "%.5f")))
    if report.get("latency"):
        lines.append(_latency_caption(report))
        rows = list(_latency_rows(report))
        if rows:
            width = max(len("layer"), max(len(r[0]) for r in rows))
            for name, ms, share in rows:
                lines.append(("  %-" + str(width) + "s %9.4f ms %6.1f%%") % (name, ms, 100 * share))
    div = report.get("divergence")
    if div:
        for o in div.get("outputs", []):
            top1 = o.get("top1_agreement")
            lines.append("output %s on %d calibration samples: rel.RMSE %s, SQNR %s dB%s" % (
                o["name"], div["samples"], _percent(o["relative_rmse"]),
                _db(o["sqnr_db"], o.get("exact", False)),
                ", top-1 agreement %.1f%%" % (100 * top1) if top1 is not None else ""))
    return "\n".join(lines)


def _plot(report, width=560, height=130):
    """An SVG bar chart of each tensor's SQNR against the float model, in
    program order: where the quantization error enters and how it grows."""
    div = report.get("divergence")
    if not div or not div.get("tensors"):
        return ""
    tensors = div["tensors"]
    formats = {l["name"]: l["format"] for l in report.get("layers", [])}
    # Exact tensors reach the top; ones with no SQNR (a zero reference)
    # the bottom.
    values = [t["sqnr_db"] if t["sqnr_db"] is not None else
              (math.inf if t.get("exact") else 0.0) for t in tensors]
    finite = [v for v in values if math.isfinite(v)]
    top = max(finite + [10.0])
    top = 10 * math.ceil(top / 10)
    left, bottom, pad = 34, 18, 6
    plot_w, plot_h = width - left - pad, height - bottom - pad
    bar = plot_w / len(tensors)
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'style="font: 10px sans-serif">' % (width, height)]
    for tick in (0, top / 2, top):
        y = pad + plot_h * (1 - tick / top)
        parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>'
                     % (left, width - pad, y, y))
        parts.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>'
                     % (left - 4, y + 3, tick))
    for i, (t, v) in enumerate(zip(tensors, values)):
        fmt = formats.get(t["node"])
        colour = {"int8": "#3b7dd8", "int8-dynamic": "#6a5acd",
                  "int8-weights": "#2a9d8f", "int4-weights": "#e76f51",
                  "float32": "#999"}.get(fmt, "#bbb")
        h = plot_h * max(0.0, min(v, top)) / top
        x = left + i * bar
        parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s">'
                     '<title>%s (%s): %s dB</title></rect>'
                     % (x + bar * 0.1, pad + plot_h - h, max(bar * 0.8, 1), h, colour,
                        html.escape(t["node"]), html.escape(t["op"]),
                        _db(t["sqnr_db"], t.get("exact", False))))
    parts.append('<text x="%d" y="%d">SQNR (dB) of each tensor against the float '
                 'model, in program order; blue: an int8 layer, grey: other ops</text>'
                 % (left, height - 4))
    parts.append("</svg>")
    return "".join(parts)


def _table(header, rows):
    cells = "".join("<th style='text-align:left'>%s</th>" % html.escape(h) for h in header)
    body = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % html.escape(str(c)) for c in r)
                   for r in rows)
    return "<table><thead><tr>%s</tr></thead><tbody>%s</tbody></table>" % (cells, body)


def report_html(report, inputs=(), outputs=()):
    """The report as HTML for notebooks."""
    if not report:
        return "<p>smelt.CompiledModel (loaded without a report)</p>"
    parts = ["<div><b>smelt</b>: %s" % html.escape(_headline(report))]
    signature = [(("input", i) if k == 0 else ("output", i))
                 for k, group in enumerate((inputs, outputs)) for i in group]
    if signature:
        parts.append(_table(["", "name", "dtype", "shape"],
                            [(kind, i.name, i.dtype, "x".join(map(str, i.shape)))
                             for kind, i in signature]))
    before, after, ratio, library = _sizes(report)
    parts.append(_table(["size", "float model", "compiled", "ratio"], [
        ("parameters", _kib(before), _kib(after), "%.2fx" % ratio if ratio else "-"),
        ("library", "", _kib(library), ""),
    ]))
    rows = [(name, op, fmt, detail,
             "%s -> %s" % (_kib(wb), _kib(wa)) if wb else "-",
             _percent(rmse), sqnr, _number(cos, "%.5f"))
            for name, op, fmt, detail, wb, wa, rmse, sqnr, cos in _layer_rows(report)]
    if rows:
        parts.append("<p>Layers: what each became, and how far its output moved "
                     "from the float model's</p>")
        parts.append(_table(["layer", "op", "format", "how", "weights",
                             "rel. RMSE", "SQNR dB", "cosine"], rows))
    if report.get("latency"):
        parts.append("<p>%s</p>" % html.escape(_latency_caption(report)))
        rows = [(name, "%.4f" % ms, "%.1f%%" % (100 * share))
                for name, ms, share in _latency_rows(report)]
        if rows:
            parts.append(_table(["layer", "ms per run", "share"], rows))
    div = report.get("divergence")
    if div:
        parts.append(_table(
            ["output", "samples", "rel. RMSE", "SQNR dB", "max |diff|", "top-1 agreement"],
            [(o["name"], div["samples"], _percent(o["relative_rmse"]),
              _db(o["sqnr_db"], o.get("exact", False)), _number(o["max_abs"]),
              "%.1f%%" % (100 * o["top1_agreement"]) if "top1_agreement" in o else "-")
             for o in div.get("outputs", [])]))
        parts.append(_plot(report))
    parts.append("</div>")
    return "\n".join(parts)
