"""Format knowledge of the genre: Chinese policy notices.

Everything the extractor knows about how such notices are written lives
here as declared data (patterns, marker words, comparators, units), so that
a notice written in a neighbouring style is supported by adding a rule, not
by editing the parser.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS)
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


def numeral_value(numeral: str) -> int:
    """The integer a Chinese or Arabic numeral writes: 三十五 → 35, 12 → 12."""
    numeral = numeral.translate(FULLWIDTH_DIGITS)
    if numeral.isdigit():
        return int(numeral)
    if not numeral or any(c not in CN_DIGITS and c not in CN_UNITS for c in numeral):
        raise ValueError(f"not a numeral: {numeral!r}")
    if all(c in CN_DIGITS for c in numeral) and len(numeral) > 1:
        # 二〇二一 style: digit by digit
        return int("".join(str(CN_DIGITS[c]) for c in numeral))
    total, digit = 0, None
    for c in numeral:
        if c in CN_DIGITS:
            digit = CN_DIGITS[c]
        else:
            total += (1 if digit is None else digit) * CN_UNITS[c]
            digit = None
    return total + (digit or 0)


_CN = f"[{CN_NUMERAL_CHARS}]+"

# Document number: 机关代字〔年份〕序号号. Brackets vary between 〔〕, [] and ［］.
DOC_NUMBER = re.compile(
    r"(?P<code>[\u4e00-\u9fff]+)[〔\[［](?P<year>\d{4})[〕\]］](?P<serial>\d+)号")

# Dates: 2021年7月1日 or 二〇二一年七月一日.
DATE = re.compile(
    rf"(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})年(?P<m>\d{{1,2}}|{_CN})月(?P<d>\d{{1,2}}|{_CN})日")

# A first line that tries to be a document number but is not one (张促中民办发2021年9号):
# refused rather than read as a title.
DOC_NUMBER_ATTEMPT = re.compile(r"^\S{0,24}\d{4}\S{0,4}\d+号$")

# A title line: no sentence-ending punctuation, not too long to be a title.
TITLE_LINE = re.compile(r"^[^。；！？]{4,80}$")
# A title's later lines: a break may leave a few characters (的通知) on the last one.
TITLE_CONTINUATION = re.compile(r"^[^。；！？]{1,80}$")
# How many lines a notice title may be broken over (a long one set in a narrow column runs
# to six or seven).
TITLE_MOST_LINES = 8
# A date line may stand in brackets under a title: （2024年3月1日）.
DATE_LINE = re.compile(rf"^[（(]?(?P<date>{DATE.pattern})[）)]?$")

# An issuer signed at the end of a text: a name, no punctuation but a seal marker.
ISSUER_LINE = re.compile(r"^(?![（(])[^。；！？：:，,、]{2,40}?(?:[（(]代章[）)])?$")

# Marker the issuer line carries when the office seals on behalf of the group.
SEAL_MARKERS = ("（代章）", "(代章)")

# The line addressing the recipients ends with a colon.
RECIPIENTS_END = ("：", ":")
# A notice title ends with one of these words.
NOTICE_TITLE_ENDINGS = ("的通知", "通知")


@dataclass(frozen=True)
class HeadingStyle:
    """One way of numbering a level of headings.

    `prefix` matches the number as written at the start of a line (（一）, 1.);
    `pattern` matches a whole heading line: the number and a title without a
    full stop. `rank` is the style's depth in the nesting official documents
    use (GB/T 9704): 一、 above （一） above 1. above （1）.
    """
    name: str
    prefix: re.Pattern[str]
    rank: int
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        whole = re.compile(self.prefix.pattern + r"\s*(?P<title>[^。]+)$")
        object.__setattr__(self, "pattern", whole)


# Parts: 一、优化公平公正市场环境
PART_STYLES = (
    HeadingStyle("cn-dun", re.compile(rf"^(?P<numeral>{_CN})、"), 1),
)

# Measures (or sub-parts, one level above the measures): （一）… / (1)… / 1.… / 1、…
# A heading line has no full stop; `1.标题。正文` is a title and body on one line.
# 1.5 is a decimal, never a heading.
MEASURE_STYLES = (
    HeadingStyle("cn-paren", re.compile(rf"^[（(](?P<numeral>{_CN})[）)]"), 2),
    HeadingStyle("arabic-paren", re.compile(r"^[（(](?P<numeral>\d+)[）)]"), 4),
    HeadingStyle("arabic-dot", re.compile(r"^(?P<numeral>\d+)[.．、](?!\d)"), 3),
)

# A short first sentence that names what follows: 1.全面落实负面清单制度。正文…,
# or an unnumbered paragraph 加强组织领导。各地要…. A longer first sentence, or
# one with a comma, is already the substance: the measure is left untitled.
LEAD_TITLE = re.compile(r"(?P<title>[^，,。；;：:！？]{2,40})。")

# Bracket pairs checked for balance. Half- and full-width round brackets are
# one family: real notices mix them, e.g. 公共法律服务中心(站、室）.
BRACKET_FAMILIES = {
    "（": "round", "(": "round", "）": "round", ")": "round",
    "《": "book", "》": "book",
    "〔": "lenticular", "〕": "lenticular",
    "“": "quote", "”": "quote",
}
OPENERS = frozenset("（(《〔“")

# --- responsibility clauses -------------------------------------------------

ROLE_RESPONSIBLE = "responsible"
ROLE_IMPLEMENTING = "implementing"     # 组织实施: organises the implementation (Zhangye's note)
ROLE_LOCAL = "local"                   # 结合实际落实: a local government carries it out where it governs
ROLE_LEAD = "lead"
ROLE_SUPPORTING = "supporting"

ROLES = (ROLE_RESPONSIBLE, ROLE_IMPLEMENTING, ROLE_LOCAL, ROLE_LEAD, ROLE_SUPPORTING)

# (marker at the end of a clause, role). The first that ends a clause wins,
# so a marker comes before any shorter marker it ends with.
ROLE_MARKERS = (
    ("按职责分工负责", ROLE_RESPONSIBLE),
    ("按职责分工落实", ROLE_RESPONSIBLE),
    ("按职责分工抓好落实", ROLE_RESPONSIBLE),
    # local governments carrying a provincial or city measure out in their area
    ("结合实际抓好落实", ROLE_LOCAL),
    ("结合实际落实", ROLE_LOCAL),
    ("抓好贯彻落实", ROLE_LOCAL),
    ("抓好落实", ROLE_LOCAL),
    ("组织实施", ROLE_IMPLEMENTING),
    ("共同负责", ROLE_RESPONSIBLE),
    ("牵头负责", ROLE_LEAD),
    ("牵头", ROLE_LEAD),
    ("配合", ROLE_SUPPORTING),
    ("参与", ROLE_SUPPORTING),
    ("协助", ROLE_SUPPORTING),
    ("负责", ROLE_RESPONSIBLE),
)

# A list of bodies ending in one of these is open (等 = "and others").
OPEN_LIST_MARKERS = ("等部门", "等单位", "等")

# Labelled lists: （责任单位：A、B）, 责任单位：A、B。 or a line of its own. A label
# names the role of the bodies after it, up to the next label.
LIST_LABELS = (
    ("责任单位", ROLE_RESPONSIBLE), ("责任部门", ROLE_RESPONSIBLE),
    ("牵头单位", ROLE_LEAD), ("牵头部门", ROLE_LEAD),
    ("配合单位", ROLE_SUPPORTING), ("配合部门", ROLE_SUPPORTING),
    ("参与单位", ROLE_SUPPORTING), ("参与部门", ROLE_SUPPORTING),
)
LIST_LABEL = re.compile("(?P<label>" + "|".join(l for l, _ in LIST_LABELS) + ")[：:]")
# Separators between the bodies of one list, and between clauses of one bracket.
LIST_SEPARATOR = "、"
CLAUSE_SEPARATORS = "，,"
GROUP_SEPARATORS = "；;。"

# A clause naming only local governments (各区政府, 各地级以上市人民政府) needs
# no marker: they carry the measure out where they govern.
LOCAL_GOVERNMENT = re.compile(r"^各.{0,12}?(?:人民政府|政府|管委会)$")

# Level prefixes a list drops after its first name: 省科技厅、工业和信息化厅 is
# 省科技厅 and 省工业和信息化厅. 市场 is a word, not the level 市.
LEVEL_PREFIX = re.compile(r"^(?:省|市(?!场)|区|县)")
# Only a department of the same government inherits the prefix ...
DEPARTMENT_SUFFIXES = ("厅", "委", "局", "办", "委员会", "办公室")
# ... not a body that writes its own place (张掖银保监分局, 广州海关) or belongs
# to a vertically managed system that never carries the local level.
OWN_PLACE = re.compile(r"[省县区]|市(?!场)")
OWN_NAME_MARKERS = ("银保", "银监", "保监", "证监", "人行", "人民银行", "海关", "分局", "支行",
                    "分行", "国家", "中国", "总局")

# A note in one measure's parenthesis that applies to every measure after it.
GLOBAL_NOTE = re.compile(
    r"^以下(?:工作|各项工作)?均(?:需|由)(?P<bodies>.+?)(?P<marker>组织实施|负责)[，,]?不再一一列出$")

# Collective prefixes that a following list item shares when it is elided:
# 各县区人民法院、人民检察院 = 各县区人民法院 + 各县区人民检察院.
SHARED_PREFIXES = ("各县区", "各县（区）", "各市州", "张掖市", "市", "省", "县")

# --- citations -------------------------------------------------------------

CITATION = re.compile(r"《(?P<title>[^《》]+)》")
# A document number in brackets right after a citation.
CITATION_DOC_NUMBER = re.compile(r"[（(](?P<number>[^（）()]*?〔\d{4}〕\d+号)[）)]")
# Words right before 《 that make the cited title a document still to be drafted.
PLANNING_VERBS = ("制定出台", "研究制定", "制定", "出台", "起草")
# In the preamble, 根据 introduces the higher document the notice implements.
IMPLEMENTS_MARKERS = ("根据", "按照", "为贯彻落实")
# Words between the last issuer listed without 等 and the cited title: 省发改委联合印发的《…》.
ISSUER_TAIL = re.compile(r"(?:(?:联合|共同)?(?:关于)?(?:印发|制定|出台|发布|下发|公布|制发|颁布|修订)|关于)的?$")

# --- quantitative targets ---------------------------------------------------

COMPARATOR_AT_LEAST = "atLeast"
COMPARATOR_AT_MOST = "atMost"
COMPARATOR_EQUAL = "equal"

# Units, longest first; value is the unit's identifier in the ontology.
UNITS = (
    ("％", "percent"), ("%", "percent"),
    ("亿元", "hundredMillionYuan"), ("万元", "tenThousandYuan"), ("元", "yuan"),
    ("年", "year"),
)
# Comparator words written after the quantity.
SUFFIX_COMPARATORS = (
    ("以上", COMPARATOR_AT_LEAST), ("以下", COMPARATOR_AT_MOST),
    ("以内", COMPARATOR_AT_MOST), ("内", COMPARATOR_AT_MOST),
)
# Comparator words written before the quantity.
PREFIX_COMPARATORS = (
    ("不低于", COMPARATOR_AT_LEAST), ("不少于", COMPARATOR_AT_LEAST),
    ("不超过", COMPARATOR_AT_MOST), ("不高于", COMPARATOR_AT_MOST),
    ("降至", COMPARATOR_AT_MOST), ("达到", COMPARATOR_AT_LEAST),
    ("至少", COMPARATOR_AT_LEAST), ("最高", COMPARATOR_AT_MOST),
)
QUANTITY = re.compile(
    r"(?P<prefix>" + "|".join(p for p, _ in PREFIX_COMPARATORS) + r")?"
    r"(?P<value>\d+(?:\.\d+)?)"
    r"(?P<unit>" + "|".join(re.escape(u) for u, _ in UNITS) + r")"
    r"(?P<suffix>" + "|".join(s for s, _ in SUFFIX_COMPARATORS) + r")?")
# Chinese-written percentages: 百分之三十.
CN_PERCENT = re.compile(
    rf"(?P<prefix>{'|'.join(p for p, _ in PREFIX_COMPARATORS)})?百分之(?P<value>{_CN})"
    rf"(?P<suffix>{'|'.join(s for s, _ in SUFFIX_COMPARATORS)})?")
# A year followed by 月 is part of a date, not a duration.
DATE_CONTINUATION = "月"
# Four digits before 年 are a calendar year (到2025年), not a duration.
CALENDAR_YEAR = re.compile(r"\d{4}")
# Quantities joined by 、 share the comparator written once for the group.
ENUMERATION_SEPARATOR = "、"

SENTENCE_ENDS = "。；！？"
