"""Precision and recall of the legal-basis matcher against the hand labels, per variant.

    .venv/bin/python benchmarks/legal_basis.py [--held-out] [--curve]

Labels: tests/fixtures/legal-basis/labels.toml (all 35 measures of the Zhangye
notice). Variants are compared on the tuning two-thirds only; `--held-out`
prints the figures of the chosen matcher on the held-out third (the README's),
`--curve` the precision/recall curve over the threshold. "before" is the
matcher shipped before issue #14 (close-wording runs only).
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import sys
import time
import tomllib
from pathlib import Path

from policykg.laws import law_files, parse_law
from policykg.legal_basis import (HIGH, LOW, MEDIUM, Options, evaluate, find_basis, level_of, link, measure_texts,
                                  passages_of, sentences)
from policykg.pipeline import extract
from policykg.registry import load_registry

LABELS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "legal-basis" / "labels.toml"

VARIANTS = {
    "chosen": Options(),
    "jieba words (if installed)": Options(segmenter="jieba"),
    "jieba words and bigrams": Options(segmenter="both"),
    "without the thesaurus's synonyms": Options(thesaurus=False),
    "no chapter/part context": Options(chapter=False),
    "sentence level only": Options(measure_level=False),
    "measure level only": Options(sentence_level=False),
    "no close-wording runs": Options(runs=False),
    "penalty/purpose articles kept": Options(skip_penalty=False),
    "at most 3 per measure": Options(per_measure=3),
    "at most 6 per measure": Options(per_measure=6),
    "sentence:measure weight 0.5": Options(sentence_weight=0.5),
    "relative cut 0.5 of best": Options(relative=0.5),
    "supervision articles for all": Options(supervision=False),
    "one-subject laws for any measure": Options(subject=False),
    "IDF from the laws only": Options(idf="laws"),
}


def split(labels: dict, held_out: bool) -> dict:
    keep = set(labels["held_out"]) if held_out else set(labels["measures"]) - set(labels["held_out"])
    return {"measures": sorted(keep), "link": [l for l in labels["link"] if l["measure"] in keep]}


def restatement_recall(links, labels) -> float:
    gold = {(l["measure"], l["law"], l["article"]) for l in labels["link"] if l["kind"] == "restates"}
    found = {(l.measure, l.law.rsplit("/", 1)[-1], l.article) for l in links}
    return len(gold & found) / len(gold) if gold else float("nan")


def row(name, links, labels) -> str:
    e = evaluate(links, labels)
    return (f"{name:32s} P={e.precision:.3f} R={e.recall:.3f} F1={2 * e.precision * e.recall / (e.precision + e.recall or 1):.3f}"
            f" kind={e.kind_agreement:.3f} restatesR={restatement_recall(links, labels):.3f}"
            f" found={len(e.true_positives) + len(e.false_positives)} gold={len(e.true_positives) + len(e.misses)}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--held-out", action="store_true", help="the chosen matcher on the held-out third")
    ap.add_argument("--curve", action="store_true", help="precision/recall over the threshold")
    ap.add_argument("--errors", action="store_true", help="list false positives and misses of the chosen matcher")
    args = ap.parse_args()
    labels = tomllib.loads(LABELS.read_text(encoding="utf-8"))
    reg = load_registry()
    built = extract(registry=reg)
    laws = {law: parse_law(path) for law, path in law_files(reg.graph).items()}
    date = built.document.header.date
    measures = measure_texts(built.document)
    part = split(labels, args.held_out)
    print(f"labels: {len(labels['link'])} links over {len(labels['measures'])} measures; "
          f"{'held-out' if args.held_out else 'tuning'} part: {len(part['link'])} links over {len(part['measures'])} measures")
    sents = [s for m in built.document.measures for s in sentences(m.number, m.text.text, m.text.start)]
    before = link(sents, passages_of(laws, reg.graph, date))
    print(row("before (runs only)", before, part))
    variants = {"chosen": Options()} if args.held_out else VARIANTS
    chosen = None
    for name, options in variants.items():
        if options.segmenter != "bigram" and importlib.util.find_spec("jieba") is None:
            print(f"{name:32s} skipped: jieba is not installed (pip install jieba)")
            continue
        t = time.perf_counter()
        links = find_basis(measures, laws, reg.graph, date, options)
        if name == "chosen" and args.curve:
            curve = find_basis(measures, laws, reg.graph, date, dataclasses.replace(options, floor=0.10))
        dt = time.perf_counter() - t
        print(row(name, links, part) + f"  {dt:.2f}s")
        if name == "chosen":
            chosen = links
    if args.curve:
        print("\nthreshold  level  precision  recall  links")
        for t in (0.10, 0.12, 0.13, LOW, 0.16, 0.18, MEDIUM, 0.25, 0.30, 0.35, HIGH, 0.50, 0.60):
            kept = [l for l in curve if l.score >= t and l.measure in part["measures"]]
            e = evaluate(kept, part)
            print(f"  {t:.3f}    {level_of(t) or '-':6s}  {e.precision:.3f}     {e.recall:.3f}   {len(kept)}")
        print("\nscore band     right / candidates  (how the levels were set)")
        gold = {(l["measure"], l["law"], l["article"]) for l in part["link"]}
        edges = (0.10, 0.12, LOW, MEDIUM, HIGH, 1.01)
        for lo, hi in zip(edges, edges[1:]):
            band = [l for l in curve if lo <= l.score < hi and l.measure in part["measures"]]
            right = sum((l.measure, l.law.rsplit("/", 1)[-1], l.article) in gold for l in band)
            print(f"  [{lo:.3f}, {min(hi, 1):.3f})  {right} / {len(band)}")
        print("\nlevel   precision  links  (each level alone)")
        for level in ("high", "medium", "low"):
            kept = [l for l in chosen if l.level == level and l.measure in part["measures"]]
            e = evaluate(kept, part)
            print(f"  {level:6s} {e.precision:.3f}      {len(kept)}")
    if args.errors:
        e = evaluate(chosen, part)
        by_key = {(l.measure, l.law.rsplit('/', 1)[-1], l.article): l for l in chosen}
        print("\nfalse positives:")
        for k in e.false_positives:
            print("  ", k, by_key[k].score, by_key[k].level, by_key[k].reason_zh)
        print("misses:")
        for k in e.misses:
            print("  ", k)
    return 0


if __name__ == "__main__":
    sys.exit(main())
