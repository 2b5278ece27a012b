"""Who carries a measure out: role clauses and labelled lists of bodies.

Notices name the bodies in a bracket after the measure, with a role marker
closing each clause (（X牵头，Y配合）), in a labelled list (（责任单位：A、B）,
or 责任单位：A、B。 as a sentence of its own), and sometimes mid-paragraph,
one bracket per task. The markers, labels and name patterns are declared in
`rules`; this module only walks the text.
"""
from __future__ import annotations

from dataclasses import replace

from . import rules
from .errors import ExtractError
from .records import BodyList, BodyMention
from .text import BLANKS, WHITESPACE, Reader, round_brackets, split_range, strip_range

Range = tuple[int, int]
Clause = tuple[int, int, list[BodyList]]


class ResponsibilityReader(Reader):
    def responsibility(self, label: str, lo: int, hi: int
                       ) -> tuple[list[Range], list[BodyList], BodyList | None]:
        """The text's content ranges (without its responsibility clauses),
        its lists of bodies, and a note that applies to every later measure."""
        brackets = round_brackets(self.source, lo, hi)
        trailing = self.trailing(brackets, hi)
        clauses: list[Clause] = []
        note = None
        for s, e in brackets:
            if (s, e) == trailing:
                found = self.bracket_clause(label, s + 1, e - 1, strict=False)
            elif self.at_sentence_edge(lo, hi, s, e):
                found = self.bracket_clause(label, s + 1, e - 1, strict=True)
            else:
                continue
            if found is not None:
                clauses.append((s, e, found[0]))
                note = note or found[1]
        for s, e in self.labelled_sentences(lo, hi, brackets):
            lists = self.labelled(s, e, strict=True)
            if lists:
                clauses.append((s, e, self.expand(lists)))
        clauses.sort(key=lambda c: c[0])
        return self.content(lo, hi, clauses), [bl for _, _, ls in clauses for bl in ls], note

    # --- where clauses stand ---------------------------------------------------
    def trailing(self, brackets: list[Range], hi: int) -> Range | None:
        """The bracket that ends the text, before at most a full stop."""
        if not brackets:
            return None
        s, e = brackets[-1]
        after = self.source[e:hi].strip(WHITESPACE)
        return (s, e) if after in ("", "。", "；", ";") else None

    def at_sentence_edge(self, lo: int, hi: int, s: int, e: int) -> bool:
        """A bracket closing a sentence (推进A(X牵头)。) or standing after one
        (推进A。(X牵头)推进B): a bracket inside a sentence is part of it."""
        before = self.source[lo:s].rstrip(BLANKS)
        after = self.source[e:hi].lstrip(BLANKS)
        return (not before or before[-1] in rules.SENTENCE_ENDS + "\n"
                or not after or after[0] in rules.SENTENCE_ENDS + "\n")

    def labelled_sentences(self, lo: int, hi: int, brackets: list[Range]) -> list[Range]:
        """责任单位：A、B as a sentence of its own, outside brackets."""
        found = []
        for m in rules.LIST_LABEL.finditer(self.source, lo, hi):
            s = m.start()
            if any(bs < s < be for bs, be in brackets):
                continue
            before = self.source[lo:s].rstrip(BLANKS)
            if before and before[-1] not in rules.SENTENCE_ENDS + "\n":
                continue
            found.append((s, self.sentence_end(s, hi)))
        return found

    def sentence_end(self, s: int, hi: int) -> int:
        depth, k = 0, s
        while k < hi:
            c = self.source[k]
            if c in rules.OPENERS:
                depth += 1
            elif c in rules.BRACKET_FAMILIES:
                depth = max(0, depth - 1)
            elif depth == 0 and c in "。\n":
                break
            k += 1
        return strip_range(self.source, s, k)[1]

    def content(self, lo: int, hi: int, clauses: list[Clause]) -> list[Range]:
        """source[lo:hi] without the clauses; bare punctuation left between them is dropped."""
        pieces, at = [], lo
        for s, e, _ in clauses:
            pieces.append((at, s))
            at = e
        pieces.append((at, hi))
        out = []
        for s, e in pieces:
            s, e = strip_range(self.source, s, e)
            if self.source[s:e].strip("。；;，, "):
                out.append((s, e))
        return out

    # --- what a bracket says ------------------------------------------------------
    def bracket_clause(self, label: str, s: int, e: int, strict: bool
                       ) -> tuple[list[BodyList], BodyList | None] | None:
        """The lists of a bracket, or None when it is not a responsibility clause.

        The bracket ending a measure is read leniently (clauses without a
        marker are reported); a bracket inside the text only when every
        clause of it is understood, since it may be an ordinary aside."""
        if rules.LIST_LABEL.match(self.source, s, e):
            lists = self.labelled(s, e, strict)
            return None if lists is None else (self.expand(lists), None)
        inner = self.source[s:e]
        if not strict and not any(mk in inner for mk, _ in rules.ROLE_MARKERS) \
                and not any(self.local_governments(*r) for r in
                            split_range(self.source, s, e, rules.GROUP_SEPARATORS + rules.CLAUSE_SEPARATORS)):
            return None
        try:
            lists, note, leftovers = self.role_groups(s, e)
        except ExtractError:
            if strict:
                return None
            raise
        if strict and (leftovers or not lists):
            return None
        for cs, ce in leftovers:
            self.warn(cs, f"{label}: no role marker in «{self.source[cs:ce]}»")
        return self.expand(lists), note

    def role_groups(self, s: int, e: int) -> tuple[list[BodyList], BodyList | None, list[Range]]:
        lists: list[BodyList] = []
        note, leftovers = None, []
        for gs, ge in split_range(self.source, s, e, rules.GROUP_SEPARATORS):
            gm = rules.GLOBAL_NOTE.fullmatch(self.source[gs:ge])
            if gm:
                bodies = (gs + gm.start("bodies"), gs + gm.end("bodies"))
                note = self.body_list([bodies], rules.ROLE_IMPLEMENTING, gs, ge)
                continue
            leftovers += self.role_clauses(gs, ge, lists)
        return lists, note, leftovers

    def role_clauses(self, gs: int, ge: int, lists: list[BodyList]) -> list[Range]:
        """Clauses ending in a role marker; unmarked clauses before one share
        its marker (X，Y按职责分工负责). Returns the clauses left unmarked."""
        pending: list[Range] = []
        for cs, ce in split_range(self.source, gs, ge, rules.CLAUSE_SEPARATORS):
            marker = next(((mk, r) for mk, r in rules.ROLE_MARKERS
                           if self.source.endswith(mk, cs, ce)), None)
            if marker is not None:
                pieces = pending + [(cs, ce - len(marker[0]))]
                lists.append(self.body_list(pieces, marker[1], pieces[0][0], ce))
                pending = []
            elif not pending and self.local_governments(cs, ce):
                lists.append(self.body_list([(cs, ce)], rules.ROLE_LOCAL, cs, ce))
            else:
                pending.append((cs, ce))
        return pending

    def labelled(self, s: int, e: int, strict: bool) -> list[BodyList] | None:
        """责任单位：A、B，C；各区政府 — a label gives the role of the names after
        it; local governments after the first clause carry the measure out."""
        lists: list[BodyList] = []
        role, pieces, start = None, [], s
        for cs, ce in split_range(self.source, s, e, rules.GROUP_SEPARATORS + rules.CLAUSE_SEPARATORS):
            lm = rules.LIST_LABEL.match(self.source, cs, ce)
            if lm:
                self.flush(lists, pieces, role, start)
                role, pieces, start = dict(rules.LIST_LABELS)[lm["label"]], [], cs
                cs = strip_range(self.source, lm.end(), ce)[0]
                if cs == ce:
                    continue
            elif role is None:
                return None
            elif (lists or pieces) and self.local_governments(cs, ce):
                self.flush(lists, pieces, role, start)
                lists.append(self.body_list([(cs, ce)], rules.ROLE_LOCAL, cs, ce))
                pieces, start = [], None
                continue
            start = cs if start is None else start
            pieces.append((cs, ce))
        self.flush(lists, pieces, role, start)
        if strict and not lists:
            return None
        return lists

    def flush(self, lists: list[BodyList], pieces: list[Range], role: str | None,
              start: int | None) -> None:
        if pieces and role is not None:
            lists.append(self.body_list(pieces, role, start, pieces[-1][1]))

    # --- the names ----------------------------------------------------------------
    def body_list(self, pieces: list[Range], role: str, clause_start: int, clause_end: int
                  ) -> BodyList:
        """The bodies of pieces separated by 、 (the last may end in 等: an open list)."""
        *head, (s, e) = pieces
        is_open = False
        for marker in rules.OPEN_LIST_MARKERS:
            if self.source.endswith(marker, s, e):
                e -= len(marker)
                is_open = True
                break
        items = [item for ps, pe in head + [(s, e)]
                 for item in split_range(self.source, ps, pe, rules.LIST_SEPARATOR)]
        if not items:
            raise self.error(s, f"empty list of bodies in «{self.source[clause_start:clause_end]}»")
        mentions = tuple(BodyMention(self.source[a:b], self.span(a, b), role, n)
                         for n, (a, b) in enumerate(items, 1))
        return BodyList(mentions, role, is_open, self.span(clause_start, clause_end))

    def local_governments(self, s: int, e: int) -> bool:
        items = split_range(self.source, s, e, rules.LIST_SEPARATOR)
        return bool(items) and all(rules.LOCAL_GOVERNMENT.fullmatch(self.source[a:b]) for a, b in items)

    def expand(self, lists: list[BodyList]) -> list[BodyList]:
        """Give names written without the level prefix of an earlier name in
        the same clause the prefix back (省科技厅、工业和信息化厅)."""
        prefix, out = None, []
        for bl in lists:
            bodies = []
            for b in bl.bodies:
                m = rules.LEVEL_PREFIX.match(b.name)
                if m:
                    prefix = m.group()
                elif prefix and self.inherits(b.name):
                    b = replace(b, expanded=prefix + b.name)
                bodies.append(b)
            out.append(replace(bl, bodies=tuple(bodies)))
        return out

    @staticmethod
    def inherits(name: str) -> bool:
        return (name.endswith(rules.DEPARTMENT_SUFFIXES) and not name.startswith("各")
                and not rules.OWN_PLACE.search(name)
                and not any(mk in name for mk in rules.OWN_NAME_MARKERS))
