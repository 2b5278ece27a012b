"""Draw how query time and store size grow with the corpus, from the figures
benchmarks/scale_queries.py saved, as a hand-written SVG (no plotting dependency).

    .venv/bin/python benchmarks/scale_plot.py benchmarks/results/scale-queries-*-2026-11-30.txt -o benchmarks/results/scale-2026-11-30.svg
"""
from __future__ import annotations

import argparse
import math
import re
from html import escape
from pathlib import Path

W, H, L, R, T, B = 760, 440, 70, 190, 30, 50
HEAD = re.compile(r"^(\d+) notices .*?: ([\d,]+) quads")
ROW = re.compile(r"^([a-z-]+)\s+([\d.]+)\s+([\d.]+)\s+\d+\s+\d+")
HIGHLIGHT = ("open-department-lists", "body-variants", "co-responsibility", "instrument-by-group")


def read(paths: list[Path]) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    for path in paths:
        n, rows = None, {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if (m := HEAD.match(line)):
                n = int(m[1])
            elif (m := ROW.match(line)) and n is not None:
                rows[m[1]] = float(m[2])
        if n is not None and rows:
            out[n] = rows
    return dict(sorted(out.items()))


def svg(data: dict[int, dict[str, float]]) -> str:
    ns = list(data)
    names = sorted({q for rows in data.values() for q in rows})
    ys = [v for rows in data.values() for v in rows.values() if v > 0]
    x0, x1 = math.log10(min(ns)), math.log10(max(ns))
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))

    def x(n):
        return L + (math.log10(n) - x0) / ((x1 - x0) or 1) * (W - L - R)

    def y(v):
        return T + (y1 - math.log10(max(v, 10 ** y0))) / (y1 - y0) * (H - T - B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{L}" y="18" font-size="13">Saved queries, p50 on the embedded on-disk store, by corpus size (log-log)</text>']
    for e in range(y0, y1 + 1):
        out.append(f'<line x1="{L}" x2="{W - R}" y1="{y(10 ** e):.1f}" y2="{y(10 ** e):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L - 6}" y="{y(10 ** e) + 4:.1f}" text-anchor="end">{10 ** e:g} ms</text>')
    for n in ns:
        out.append(f'<line x1="{x(n):.1f}" x2="{x(n):.1f}" y1="{T}" y2="{H - B}" stroke="#eee"/>')
        out.append(f'<text x="{x(n):.1f}" y="{H - B + 16}" text-anchor="middle">{n:,}</text>')
    out.append(f'<text x="{(L + W - R) / 2:.0f}" y="{H - 12}" text-anchor="middle">notices in the corpus</text>')
    out.append(f'<line x1="{L}" x2="{W - R}" y1="{y(200):.1f}" y2="{y(200):.1f}" stroke="#c00" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{W - R + 4}" y="{y(200) + 4:.1f}" fill="#c00">target 200 ms</text>')
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
    label_y = T + 30
    for q in names:
        pts = [(x(n), y(data[n][q])) for n in ns if q in data[n]]
        hl = q in HIGHLIGHT
        colour = colours[HIGHLIGHT.index(q)] if hl else "#999"
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{2 if hl else 0.8}">'
                   f'<title>{escape(q)}</title></polyline>')
        if hl:
            out.append(f'<text x="{W - R + 4}" y="{label_y}" fill="{colour}">{escape(q)}</text>')
            label_y += 16
    out.append(f'<text x="{W - R + 4}" y="{label_y}" fill="#999">other saved queries</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("results", nargs="+", type=Path)
    ap.add_argument("-o", "--out", type=Path, required=True)
    args = ap.parse_args()
    data = read(args.results)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(svg(data), encoding="utf-8")
    tmp.replace(args.out)
    print(f"{args.out}: {len(data)} corpus sizes: {', '.join(map(str, data))}")


if __name__ == "__main__":
    main()
