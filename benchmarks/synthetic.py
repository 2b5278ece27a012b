"""Realistic synthetic notice TEXTS, seeded, for benchmarks that ingest end to end.

    .venv/bin/python benchmarks/synthetic.py OUT_DIR --count 1000 [--seed 1]

Each text is written in the forms the extractor reads (see tests/fixtures/notices):
a document number, a 关于印发《…》的通知 wrapper, issuer and date, the title, a
preamble citing laws (《中华人民共和国中小企业促进法》…), parts numbered 一、二、…,
measures （一）（二）… numbered straight through the parts with the title on its own
line or before the body on one line, quantitative targets (不少于50家, 最高不超过30%),
and a responsibility ending in one of the forms notices use: （A牵头，B、C配合）,
（A、B等按职责分工负责）, （责任单位：A、B）, with a local-government clause (；各县区政府).

Issuers are Zhangye city (whose bodies the shipped registry resolves), Gansu province,
and cities, counties and provinces drawn from /work/shared/divisions (data/divisions
in the repository), whose bodies the registry does not know and ingest keeps as
unresolved names, as it does for real notices of those places. The same seed gives
the same texts byte for byte.
"""
from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

DIVISIONS = Path(__file__).resolve().parents[1] / "data" / "divisions"

# Short names the shipped registry resolves in notices of Zhangye (place:620700).
ZHANGYE_BODIES = [
    "市工信局", "市司法局", "市发展改革委", "市市场监管局", "市商务局", "市统计局", "市政府金融办",
    "人行张掖中心支行", "市生态环境局", "市住建局", "市财政局", "市税务局", "市交通运输局",
    "市政府国资委", "市农业农村局", "市文广旅游局", "市科技局", "市人社局", "市公安局", "市审计局",
    "市应急局", "市中级人民法院", "市人民检察院", "市工商联",
]
ZHANGYE_LOCAL = ["各县区政府", "张掖经开区管委会"]
GANSU_BODIES = ["省工信厅", "省发改委", "省科技厅", "省高级人民法院", "省检察院"]
# Departments any city has; outside Zhangye the registry does not know them.
CITY_BODIES = [
    "市发改委", "市工信局", "市财政局", "市人社局", "市商务局", "市市场监管局", "市科技局", "市司法局",
    "市自然资源局", "市住建局", "市交通运输局", "市农业农村局", "市文旅局", "市教育局", "市税务局",
    "市金融工作局", "市国资委", "市工商联", "市公安局", "市统计局", "市数据局", "市生态环境局",
]
PROVINCE_BODIES = [
    "省发展改革委", "省工业和信息化厅", "省财政厅", "省人力资源社会保障厅", "省商务厅", "省市场监管局",
    "省科技厅", "省司法厅", "省住房城乡建设厅", "省交通运输厅", "省农业农村厅", "省地方金融管理局",
]
LAWS = [
    "中华人民共和国中小企业促进法", "保障中小企业款项支付条例", "优化营商环境条例", "公平竞争审查条例",
    "中华人民共和国政府采购法", "中华人民共和国政府采购法实施条例", "中华人民共和国反垄断法",
    "中华人民共和国反不正当竞争法", "政府采购促进中小企业发展管理办法",
]
THEMES = [
    ("促进中小企业发展", "中小企业"), ("促进民营经济发展壮大", "民营企业"),
    ("优化营商环境", "市场主体"), ("推动制造业高质量发展", "制造业企业"),
    ("促进消费扩容提质", "商贸企业"), ("支持科技型企业创新发展", "科技型中小企业"),
    ("促进道路运输业高质量发展", "道路运输企业"), ("推动数字经济发展", "数字经济企业"),
]
PARTS = [
    "优化公平竞争市场环境", "加大财税金融支持力度", "强化创新能力建设", "完善公共服务体系",
    "保障合法权益", "加强人才队伍建设", "推动绿色低碳转型", "强化组织保障",
]
MEASURES = [
    ("落实市场准入负面清单制度", "全面落实市场准入负面清单制度，清理规范行政审批、许可备案等领域市场准入规定，不得额外设置准入条件"),
    ("完善融资支持政策", "健全融资风险市场化分担机制，对符合条件的{g}贷款给予贴息，贴息比例最高不超过{p}%"),
    ("加强拖欠账款清理", "严格执行《{law}》，机关、事业单位和大型企业不得以内部人员变更等为由拒绝或者迟延支付账款"),
    ("落实政府采购支持政策", "严格执行《{law}》，预留采购份额专门面向{g}，预留份额不低于{p}%"),
    ("加大财政资金支持", "统筹安排专项资金不少于{y}万元，支持{g}开展技术改造和数字化转型"),
    ("培育专精特新企业", "建立梯度培育库，每年新认定专精特新{g}不少于{n}家"),
    ("强化人才用工保障", "组织开展专场招聘活动，每年帮助{g}招用人员不少于{n}人"),
    ("推进公平竞争审查", "落实《{law}》，对新出台的政策措施开展公平竞争审查，审查覆盖率达到100%"),
    ("降低企业融资成本", "引导金融机构扩大首贷、信用贷规模，新增贷款{y}亿元以上"),
    ("完善涉企服务平台", "依托政务服务平台，推动涉企政策精准推送，办理时限压缩至{d}个工作日内"),
    ("加强知识产权保护", "健全知识产权快速维权机制，为{g}提供专利预审和维权援助服务"),
    ("推动绿色低碳发展", "支持{g}开展节能降碳改造，单位能耗降低{q}%以上"),
]
MONTHS = range(1, 13)


@dataclass(frozen=True)
class Issuer:
    place: str            # the place name as the notice writes it: 张掖市, 甘肃省, 成都市
    office: str           # the issuing office
    prefix: str           # the document-number prefix: 张政办发
    bodies: list[str]
    local: list[str]      # the local-government clause after ；


def _num(n: int) -> str:
    """1 → 一, 12 → 十二, 35 → 三十五 (as notices number their parts and measures)."""
    digits = dict(enumerate("零一二三四五六七八九"))
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _rows(name: str) -> list[dict]:
    with open(DIVISIONS / name, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["name"] not in ("市辖区", "县", "省直辖县级行政区划")]


def issuers() -> list[Issuer]:
    """Zhangye, Gansu, and every prefecture-level city and province of the divisions list."""
    out = [Issuer("张掖市", "张掖市人民政府", "张政办发", ZHANGYE_BODIES, ZHANGYE_LOCAL),
           Issuer("甘肃省", "甘肃省人民政府", "甘政办发", GANSU_BODIES, ["各市州人民政府"])]
    for row in _rows("cities.csv"):
        short = row["name"][:2]
        out.append(Issuer(row["name"], row["name"] + "人民政府办公室", short + "府办发", CITY_BODIES,
                          ["各区（市）县政府"]))
    for row in _rows("provinces.csv"):
        short = row["name"][:2]
        out.append(Issuer(row["name"], row["name"] + "人民政府办公厅", short + "政办发", PROVINCE_BODIES,
                          ["各市人民政府"]))
    return out


def _responsibility(rng: random.Random, issuer: Issuer) -> str:
    names = rng.sample(issuer.bodies, rng.randint(1, 4))
    form = rng.randrange(3)
    if form == 0 and len(names) > 1:
        text = f"{names[0]}牵头，{'、'.join(names[1:])}配合"
    elif form == 1:
        text = f"{'、'.join(names)}{'等' if rng.random() < 0.5 else ''}按职责分工负责"
    else:
        text = f"责任单位：{'、'.join(names)}"
    if rng.random() < 0.3:
        text += "；" + rng.choice(issuer.local)
    return f"（{text}）"


def notice(k: int, seed: int = 1, choices: list[Issuer] | None = None) -> str:
    """The k-th synthetic notice of a seeded series: the same (k, seed) give the same text."""
    rng = random.Random(f"{seed}:{k}")
    choices = choices or issuers()
    # half of the notices are Zhangye's, so that registry-resolved bodies recur across the corpus
    issuer = choices[0] if rng.random() < 0.5 else rng.choice(choices[1:])
    theme, group = rng.choice(THEMES)
    year = rng.randint(2018, 2025)
    title = f"{issuer.place}关于进一步{theme}的若干措施"
    lines = [f"{issuer.prefix}〔{year}〕{k + 1}号", "",
             f"{issuer.office}关于印发《{title}》的通知",
             f"{issuer.local[0]}，各有关部门：",
             f"《{title}》已经{issuer.place[-1]}政府同意，现印发给你们，请结合实际认真贯彻落实。",
             issuer.office, f"{year}年{rng.choice(MONTHS)}月{rng.randint(1, 28)}日", "",
             title,
             f"为深入贯彻落实《{rng.choice(LAWS)}》，进一步{theme}，结合本地实际，制定以下措施。"]
    number = 0
    for p, part in enumerate(rng.sample(PARTS, rng.randint(2, 5)), start=1):
        lines.append(f"{_num(p)}、{part}")
        for m_title, m_body in rng.sample(MEASURES, rng.randint(2, 5)):
            number += 1
            body = m_body.format(g=group, law=rng.choice(LAWS), p=rng.choice([10, 20, 30, 40, 50]),
                                 y=rng.choice([100, 500, 1000, 2000]), n=rng.randint(5, 200),
                                 d=rng.randint(3, 15), q=rng.randint(2, 15))
            body += "。" + _responsibility(rng, issuer)
            if rng.random() < 0.5:
                lines += [f"（{_num(number)}）{m_title}", body]
            else:
                lines.append(f"（{_num(number)}）{m_title}。{body}")
        lines.append("")
    return "\n".join(lines)


def write(out: Path, count: int, seed: int = 1, start: int = 0) -> list[Path]:
    """Write notices start … start+count-1 as OUT/syn-NNNNN.txt; the paths, in order."""
    out.mkdir(parents=True, exist_ok=True)
    choices = issuers()
    paths = []
    for k in range(start, start + count):
        path = out / f"syn-{k:05d}.txt"
        path.write_text(notice(k, seed, choices), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0)
    args = ap.parse_args()
    paths = write(args.out, args.count, args.seed, args.start)
    print(f"{len(paths)} notices in {args.out}")


if __name__ == "__main__":
    main()
