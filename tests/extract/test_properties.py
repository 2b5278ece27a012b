"""Property tests of the extractor: notices generated in the forms it reads round-trip.

A generated notice is written from a plan (parts, measures, their numbering
scheme, responsibility clauses with roles, body names with brackets of their
own, citations, quantities, Chinese numerals); parsing it must give the plan
back, every span must quote the source at its offsets, and a corrupted notice
must either parse or be refused with a `file:line:column` ExtractError, never
any other exception. The budget and derandomized profile are set in
tests/conftest.py (HYPOTHESIS_PROFILE=explore runs many more examples).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass

from hypothesis import assume, given, note
from hypothesis import strategies as st

from policykg.extract import ExtractError, parse
from policykg.extract.records import Span
from policykg.extract.rules import numeral_value

DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """1..9999 as a Chinese numeral the way notices write them: 十一, 二十, 一百零五."""
    assert 0 < n < 10000
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out += "零"
            out += ("" if unit == "十" and not out and d == 1 else DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


# --- what a notice is made of --------------------------------------------------------------

TOPICS = ["优化营商环境", "加大财税支持", "强化金融服务", "支持科技创新", "促进市场开拓", "加强人才保障",
          "完善公共服务", "深化改革创新", "规范市场秩序", "强化组织保障"]
SENTENCES = ["加大对小微企业的支持力度。", "各地要结合实际细化工作方案。", "推动政策直达快享，确保落地见效。",
             "建立健全常态化沟通机制。", "优化审批流程，压缩办理时限。", "鼓励金融机构创新信贷产品。"]
BODIES = ["市财政局", "市工信局", "市发展改革委", "市市场监管局", "市人社局", "市税务局", "张掖银保监分局",
          "人民银行张掖市中心支行", "市公共法律服务中心（站、室）", "市中小企业服务中心（市民营经济发展局）",
          "市科技局", "市商务局", "各县区人民政府", "市政务服务中心（大厅）"]
# (marker written after the names, role the parser gives them)
MARKERS = [("负责", "responsible"), ("牵头", "lead"), ("配合", "supporting"), ("按职责分工负责", "responsible"),
           ("牵头负责", "lead"), ("参与", "supporting"), ("协助", "supporting"), ("共同负责", "responsible")]
CITED = ["中华人民共和国中小企业促进法", "保障中小企业款项支付条例", "优化营商环境条例",
         "甘肃省中小企业促进条例", "关于促进中小企业健康发展的指导意见"]
PREFIXES = [("", None), ("不低于", "atLeast"), ("不超过", "atMost"), ("达到", "atLeast"), ("至少", "atLeast")]
SUFFIXES = [("", None), ("以上", "atLeast"), ("以下", "atMost"), ("以内", "atMost")]
UNITS = [("万元", "tenThousandYuan"), ("亿元", "hundredMillionYuan"), ("%", "percent")]


@dataclass
class Target:
    value: str
    unit: str
    comparator: str
    text: str


@dataclass
class MeasurePlan:
    title: str
    sentences: list[str]
    citation: str | None
    target: Target | None
    clauses: list[tuple[list[str], str, str]]      # (names, marker, role)


@st.composite
def targets(draw) -> Target:
    value = str(draw(st.integers(1, 999)))
    if draw(st.booleans()):
        value += "." + str(draw(st.integers(1, 9)))
    unit, unit_id = draw(st.sampled_from(UNITS))
    prefix, before = draw(st.sampled_from(PREFIXES))
    suffix, after = draw(st.sampled_from(SUFFIXES))
    return Target(value, unit_id, before or after or "equal", f"{prefix}{value}{unit}{suffix}")


@st.composite
def clauses(draw) -> list[tuple[list[str], str, str]]:
    out = []
    for marker, role in draw(st.lists(st.sampled_from(MARKERS), min_size=1, max_size=3, unique=True)):
        names = draw(st.lists(st.sampled_from(BODIES[:-1] if len(out) else BODIES), min_size=1, max_size=4,
                              unique=True))
        names = [n for n in names if n != "各县区人民政府"] or ["市财政局"]
        out.append((names, marker, role))
    return out


@st.composite
def measures(draw) -> MeasurePlan:
    return MeasurePlan(
        title=draw(st.sampled_from(TOPICS)) + draw(st.sampled_from(["工作", "机制", "体系", "制度"])),
        sentences=draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3)),
        citation=draw(st.none() | st.sampled_from(CITED)),
        target=draw(st.none() | targets()),
        clauses=draw(clauses()))


SCHEMES = ["cn-paren", "arabic-dot", "arabic-paren", "three-level"]


@dataclass
class NoticePlan:
    scheme: str
    doc_number: str | None
    date: tuple[int, int, int] | None
    chinese_date: bool
    parts: list[list[MeasurePlan]]
    heading_own_line: bool

    def numeral(self, n: int) -> str:
        if self.scheme in ("cn-paren",):
            return f"（{chinese(n)}）"
        if self.scheme == "arabic-paren":
            return f"（{n}）"
        return f"{n}."


@st.composite
def notices(draw) -> NoticePlan:
    scheme = draw(st.sampled_from(SCHEMES))
    year = draw(st.integers(2000, 2030))
    return NoticePlan(
        scheme=scheme,
        doc_number=draw(st.none() | st.builds(lambda y, n: f"示例发〔{y}〕{n}号", st.just(year), st.integers(1, 300))),
        date=draw(st.none() | st.tuples(st.just(year), st.integers(1, 12), st.integers(1, 28))),
        chinese_date=draw(st.booleans()),
        parts=draw(st.lists(st.lists(measures(), min_size=1, max_size=4), min_size=1, max_size=12)),
        heading_own_line=draw(st.booleans()))


TITLE = "示例市支持小微企业发展若干措施"


def write(plan: NoticePlan) -> str:
    lines = []
    if plan.doc_number:
        lines.append(plan.doc_number)
    lines.append(TITLE)
    if plan.date:
        y, m, d = plan.date
        lines.append(f"（{''.join(DIGITS[int(c)].replace('零', '〇') for c in str(y))}年{chinese(m)}月{chinese(d)}日）"
                     if plan.chinese_date else f"（{y}年{m}月{d}日）")
    lines.append("为支持小微企业发展，制定以下措施。")
    n = 0
    for p, measures_ in enumerate(plan.parts, 1):
        lines.append(f"{chinese(p)}、{TOPICS[(p - 1) % len(TOPICS)]}")
        if plan.scheme == "three-level":
            lines.append(f"（{chinese(1)}）{TOPICS[p % len(TOPICS)]}")
        for m in measures_:
            n += 1
            body = "".join(m.sentences)
            if m.citation:
                body += f"认真落实《{m.citation}》。"
            if m.target:
                body += f"对符合条件的企业给予{m.target.text}的支持。"
            body += "（" + "，".join("、".join(names) + marker for names, marker, _ in m.clauses) + "）"
            if plan.heading_own_line or plan.scheme == "three-level":
                lines += [f"{plan.numeral(n)}{m.title}", body]
            else:
                lines.append(f"{plan.numeral(n)}{m.title}。{body}")
    return "\n".join(lines) + "\n"


def spans(obj):
    """Every Span inside a record, however deep."""
    if isinstance(obj, Span):
        yield obj
    elif is_dataclass(obj):
        for f in fields(obj):
            yield from spans(getattr(obj, f.name))
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from spans(x)


# --- the properties --------------------------------------------------------------------

@given(st.integers(1, 9999))
def test_chinese_numerals_read_back(n):
    assert numeral_value(chinese(n)) == n


@given(notices())
def test_a_generated_notice_round_trips(plan):
    text = write(plan)
    note(text)
    doc = parse(text, "gen.txt")
    planned = [m for ms in plan.parts for m in ms]
    # every measure found, in order, with its number, title and part
    assert [m.number for m in doc.measures] == list(range(1, len(planned) + 1))
    assert [m.title.text for m in doc.measures] == [m.title for m in planned]
    assert [len(p.measures) for p in doc.parts] == [len(ms) for ms in plan.parts]
    assert [p.numeral for p in doc.parts] == [chinese(k) for k in range(1, len(plan.parts) + 1)]
    if plan.scheme == "three-level":
        assert all(len(p.sections) == 1 and p.sections[0].measures == p.measures for p in doc.parts)
    else:
        assert all(not p.sections for p in doc.parts)
    for got, want in zip(doc.measures, planned):
        # the responsibility clause: each list of names with its role, names as written
        assert [(b.role, [x.name for x in b.bodies]) for b in got.responsibility] == \
            [(role, names) for names, _, role in want.clauses]
        assert [c.title for c in got.citations] == ([want.citation] if want.citation else [])
        assert [(t.value, t.unit, t.comparator, t.span.text) for t in got.targets] == (
            [(want.target.value, want.target.unit, want.target.comparator, want.target.text)] if want.target else [])
        assert "".join(want.sentences) in got.text.text
    h = doc.header
    assert h.title == TITLE
    assert (h.doc_number.text if h.doc_number else None) == plan.doc_number
    assert h.date == (None if plan.date is None else "%04d-%02d-%02d" % plan.date)
    # every span quotes the source at its offsets
    found = list(spans(doc))
    assert len(found) > 3 * len(planned)
    for s in found:
        assert 0 <= s.start <= s.end <= len(text) and text[s.start:s.end] == s.text, s


ERROR = re.compile(r"^gen\.txt:(\d+):(\d+): \S")
NOISE = "（）()《》〔〕“”、，。；：\n一二十1２.（一）1.、负责牵头%年月日"


@st.composite
def corruptions(draw):
    """A generated notice and an edit that may break it: a cut, a deleted or inserted run, a line
    dropped or repeated, two lines swapped."""
    text = write(draw(notices()))
    kind = draw(st.sampled_from(["cut", "delete", "insert", "drop-line", "repeat-line", "swap-lines"]))
    if kind == "cut":
        return text[:draw(st.integers(0, len(text)))]
    if kind == "delete":
        at = draw(st.integers(0, len(text) - 1))
        return text[:at] + text[at + draw(st.integers(1, 8)):]
    if kind == "insert":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.text(st.sampled_from(NOISE), min_size=1, max_size=4)) + text[at:]
    lines = text.split("\n")
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    if kind == "drop-line":
        del lines[i]
    elif kind == "repeat-line":
        lines.insert(i, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


@given(corruptions())
def test_a_corrupted_notice_parses_or_is_refused_with_line_and_column(text):
    note(text)
    try:
        doc = parse(text, "gen.txt")
    except ExtractError as e:
        m = ERROR.match(str(e))
        assert m, str(e)
        line, column = int(m[1]), int(m[2])
        assert (line, column) == (e.line, e.column)
        assert 1 <= line <= text.count("\n") + 1 and column >= 1
        assert column <= len(text.split("\n")[line - 1]) + 1
        return
    for s in spans(doc):
        assert text[s.start:s.end] == s.text, s
    assume(True)
