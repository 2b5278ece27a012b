"""Administrative divisions of China: codes, names and nesting (GB/T 2260).

Read once from the vendored division list (`data/divisions/`, see its
SOURCES.md): provinces, cities (prefecture level) and counties, each a `Place`
with its six-digit code, its name, its level and its parent's code. Rows that
only group other rows (市辖区, 县, 省直辖县级行政区划) are not places: what
they hold is placed under the province. One root place is added for the whole
country, 100000 中华人民共和国, the jurisdiction of national bodies.

`jurisdiction_of(text)` guesses whose a notice is from its issuer or title:
张掖市促进中小企业… → 620700, 湖南省… → 430000, 上海市人民政府办公厅 → 310000.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from . import resources

NATIONAL = "100000"
LEVELS = ("national", "province", "city", "county")

# rows of the list that group other rows and are not places themselves
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# what a short name drops: the longest ending first (自治州 before 州)
_ENDINGS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "盟", "州",
            "县", "区", "旗")
# ethnic names an autonomous place adds before 自治…: 肃南裕固族自治县 → 肃南
_ETHNIC = sorted("""汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山
拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯
鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺""".split(), key=len, reverse=True)

# how national bodies' names begin (国务院办公厅, 国家发展改革委, 中华人民共和国财政部)
NATIONAL_PREFIXES = ("中华人民共和国", "中国", "全国", "国务院", "中共中央", "中央", "国家")


@dataclass(frozen=True)
class Place:
    code: str              # six digits, GB/T 2260
    name: str              # full name: 张掖市, 甘肃省, 肃南裕固族自治县
    level: str             # national, province, city or county
    parent: str | None     # the parent's code; None for the country

    @property
    def short(self) -> str:
        return short_name(self.name)


def short_name(name: str) -> str:
    """The name without its administrative ending: 张掖市 → 张掖, 广西壮族自治区 → 广西.

    A name that would be left with one character keeps its ending (西藏自治区 → 西藏).
    """
    for ending in _ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            name = name[:-len(ending)]
            break
    else:
        return name
    if ending.startswith("自治"):
        stripped = True
        while stripped:
            stripped = False
            for ethnic in _ETHNIC:
                for form in (ethnic + "族", ethnic):
                    if name.endswith(form) and len(name) - len(form) >= 2:
                        name, stripped = name[:-len(form)], True
                        break
                if stripped:
                    break
    return name


@dataclass(frozen=True)
class Divisions:
    places: dict[str, Place]
    by_name: dict[str, tuple[Place, ...]]      # full names
    by_short: dict[str, tuple[Place, ...]]     # short names

    def children(self, code: str) -> list[Place]:
        return [p for p in self.places.values() if p.parent == code]


def _read(name: str) -> list[dict[str, str]]:
    with open(resources.path("data", "divisions", name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def divisions() -> Divisions:
    """The division list, read once."""
    places = {NATIONAL: Place(NATIONAL, "中华人民共和国", "national", None)}
    for row in _read("provinces.csv"):
        code = row["code"].ljust(6, "0")
        places[code] = Place(code, row["name"], "province", NATIONAL)
    for row in _read("cities.csv"):
        if row["name"] in PLACEHOLDERS:
            continue
        code = row["code"].ljust(6, "0")
        places[code] = Place(code, row["name"], "city", row["provinceCode"].ljust(6, "0"))
    for row in _read("areas.csv"):
        if row["name"] in PLACEHOLDERS:
            continue
        city = row["cityCode"].ljust(6, "0")
        if row["code"] == city:
            # a city with no counties (东莞市 441900, 中山市 442000, 儋州市 460400) is listed again
            # among the counties under its own code: it stays the city, never its own parent
            continue
        parent = city if city in places else row["provinceCode"].ljust(6, "0")
        places[row["code"]] = Place(row["code"], row["name"], "county", parent)
    by_name: dict[str, list[Place]] = {}
    by_short: dict[str, list[Place]] = {}
    for p in places.values():
        by_name.setdefault(p.name, []).append(p)
        if p.short != p.name:
            by_short.setdefault(p.short, []).append(p)
    return Divisions(places, {k: tuple(v) for k, v in by_name.items()},
                     {k: tuple(v) for k, v in by_short.items()})


def place(code: str) -> Place | None:
    """The place of a six-digit code (2- and 4-digit codes are padded: 62 → 620000)."""
    code = str(code).strip()
    if code.isdigit() and len(code) in (2, 4):
        code = code.ljust(6, "0")
    return divisions().places.get(code)


def lineage(code: str) -> list[str]:
    """The code and its ancestors' codes up to the country: 620702 → 620702, 620700, 620000, 100000."""
    out: list[str] = []
    p = place(code)
    while p is not None and p.code not in out:     # a parent named twice would loop forever
        out.append(p.code)
        p = place(p.parent) if p.parent else None
    return out


def is_within(code: str, ancestor: str) -> bool:
    """Whether `code` is `ancestor` or lies inside it."""
    return ancestor in lineage(code)


def _pick(candidates: tuple[Place, ...] | list[Place]) -> Place | None:
    """The one place a name means: the highest level; None when that is still ambiguous."""
    if not candidates:
        return None
    top = min(LEVELS.index(p.level) for p in candidates)
    best = [p for p in candidates if LEVELS.index(p.level) == top]
    return best[0] if len(best) == 1 else None


def find_all(name: str) -> list[Place]:
    """Every place called `name`, by full name, else by short name."""
    d = divisions()
    name = name.strip()
    return list(d.by_name.get(name) or d.by_short.get(name) or ())


def find(name: str) -> Place | None:
    """The place a full or short name means (张掖市 / 张掖, 甘肃省 / 甘肃, 上海市 / 上海).

    A full name wins over a short one; of several places with the name, the
    one of the highest level (吉林 → 吉林省); None when still ambiguous
    (朝阳区 is in 北京 and in 长春).
    """
    d = divisions()
    name = name.strip()
    return _pick(d.by_name.get(name, ())) or _pick(d.by_short.get(name, ()))


def _at(text: str, i: int, within: str | None, shorts: bool) -> tuple[Place, int] | None:
    """The longest place name at text[i:], inside `within` when given; with its end."""
    d = divisions()
    for n in range(min(len(text) - i, 12), 1, -1):
        word = text[i:i + n]
        found = list(d.by_name.get(word, ()))
        if not found and shorts:
            found = [p for p in d.by_short.get(word, ()) if p.level != "county"]
        if within is not None:
            found = [p for p in found if p.code != within and is_within(p.code, within)]
        pick = _pick(found)
        if pick is not None:
            return pick, i + n
    return None


def _descend(text: str, start: Place, end: int) -> Place:
    """甘肃省张掖市… : after a place, a place inside it narrows it down."""
    here = start
    while True:
        nxt = _at(text, end, here.code, shorts=True)
        if nxt is None:
            return here
        here, end = nxt


def jurisdiction_of(text: str | None) -> str | None:
    """The code of the place an issuer, title or body name belongs to; None if it names none.

    A place at the start (full or short name: 张掖市…, 甘肃张掖…, 上海市…),
    narrowed by places inside it that follow (甘肃省张掖市… → 620700); else
    the first full place name of three characters or more anywhere in the text
    (中国人民银行张掖市中心支行 → 620700), then the first province or city
    short name (人行张掖中心支行 → 620700); else national when the text begins
    like a national body (国务院…, 国家…, 中国…) → 100000.
    """
    if not text:
        return None
    text = text.strip()
    hit = _at(text, 0, None, shorts=True)
    if hit is not None:
        return _descend(text, *hit).code
    d = divisions()
    for i in range(len(text)):
        for n in range(min(len(text) - i, 12), 2, -1):
            found = _pick(d.by_name.get(text[i:i + n], ()))
            if found is not None:
                return _descend(text, found, i + n).code
    for i in range(1, len(text)):
        hit = _at(text, i, None, shorts=True)
        if hit is not None:
            return _descend(text, *hit).code
    if text.startswith(NATIONAL_PREFIXES):
        return NATIONAL
    return None


def names_place(name: str, code: str) -> bool:
    """Whether a body's name itself names the place `code` (张掖市财政局, 人行张掖中心支行 → 620700)."""
    p = place(code)
    if p is None or p.code == NATIONAL:
        return False
    return p.name in name or (len(p.short) >= 2 and p.short in name)
