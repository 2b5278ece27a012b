"""A corpus of n notices made from one built by ingest (benchmarks/scale_ingest.py), for store and
query figures beyond what ingest could make in the time: copy j of each ingested notice gets its
own document number and IRI (〔year〕k号 → 〔year〕k+1000·j号), so every measure, part and span is
its own while bodies, places, laws and concepts are shared as across real notices.

    .venv/bin/python benchmarks/scale_replicate.py SOURCE_CORPUS TARGET_CORPUS --count 10000
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

DOC = re.compile(r"(/doc/[^/>\s]+?-\d{4}-)(\d+)(?=[/>])")
NUMBER = re.compile(r"(〔\d{4}〕)(\d+)(号)")


def renumbered(text: str, j: int) -> str:
    text = DOC.sub(lambda m: f"{m[1]}{int(m[2]) + 1000 * j}", text)
    return NUMBER.sub(lambda m: f"{m[1]}{int(m[2]) + 1000 * j}{m[3]}", text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("source", type=Path)
    ap.add_argument("target", type=Path)
    ap.add_argument("--count", type=int, required=True)
    args = ap.parse_args()
    notices = sorted(d for d in args.source.iterdir() if d.is_dir() and (d / "entry.json").is_file()
                     and not d.name.startswith("."))
    args.target.mkdir(parents=True, exist_ok=True)
    for i in range(args.count):
        src, j = notices[i % len(notices)], i // len(notices)
        entry = json.loads((src / "entry.json").read_text(encoding="utf-8"))
        entry["id"] = f"{entry['id']}-r{j}" if j else entry["id"]
        if entry.get("number"):
            entry["number"] = renumbered(entry["number"], j)
        out = args.target / entry["id"]
        out.mkdir(exist_ok=True)
        for name in ("graph.ttl", "basis.ttl"):
            (out / name).write_text(renumbered((src / name).read_text(encoding="utf-8"), j), encoding="utf-8")
        shutil.copyfile(src / "source.txt", out / "source.txt")
        (out / "entry.json").write_text(json.dumps(entry, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{args.count} notices in {args.target} from {len(notices)} ingested ones")


if __name__ == "__main__":
    main()
