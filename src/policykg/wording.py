"""What changed in the wording of an article between two versions: a word-level diff.

Chinese has no spaces between words, so a "word" is one CJK character, a run of Latin
letters or digits, or one other character; difflib then aligns the two token lists.
"""
from __future__ import annotations

import difflib
import re

_TOKEN = re.compile(r"[A-Za-z0-9]+|\s+|.", re.S)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str, glue: int = 2) -> list[tuple[str, str]]:
    """(op, text) runs that rebuild both texts: op "=" in both, "-" only in old, "+" only in new.

    A run of `glue` tokens or fewer left in common between two changes (a 的, a 、) is
    counted as changed, so that a rewritten clause reads as one deletion and one insertion
    rather than as a dozen fragments."""
    a, b = tokens(old), tokens(new)
    chunks: list[list] = []                      # ["=", tokens] or ["~", old tokens, new tokens]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        chunks.append(["=", a[i1:i2]] if op == "equal" else ["~", a[i1:i2], b[j1:j2]])
    for i in range(1, len(chunks) - 1):
        if chunks[i][0] == "=" and len(chunks[i][1]) <= glue and chunks[i - 1][0] == chunks[i + 1][0] == "~":
            chunks[i] = ["~", chunks[i][1], chunks[i][1]]
    merged: list[list] = []
    for c in chunks:
        if merged and c[0] == merged[-1][0] == "~":
            merged[-1] = ["~", merged[-1][1] + c[1], merged[-1][2] + c[2]]
        else:
            merged.append(c)
    out: list[tuple[str, str]] = []
    for c in merged:
        if c[0] == "=":
            out.append(("=", "".join(c[1])))
            continue
        if c[1]:
            out.append(("-", "".join(c[1])))
        if c[2]:
            out.append(("+", "".join(c[2])))
    return out
