"""The division list (data/divisions/, GB/T 2260 codes): real values from the vendored CSVs."""
import pytest

from policykg import places, resources
from policykg.places import NATIONAL, PLACEHOLDERS, Place, find, find_all, jurisdiction_of, lineage, place


def test_the_list_is_vendored_with_its_source():
    folder = resources.path("data", "divisions")
    for name in ("provinces.csv", "cities.csv", "areas.csv", "README.md", "SOURCES.md"):
        assert (folder / name).is_file(), name
    sources = (folder / "SOURCES.md").read_text(encoding="utf-8")
    assert "modood/Administrative-divisions-of-China" in sources and "57a0aa9" in sources


def test_zhangye_gansu_and_the_country():
    assert place("620700") == Place("620700", "张掖市", "city", "620000")
    assert place("620000") == Place("620000", "甘肃省", "province", NATIONAL)
    assert place(NATIONAL) == Place(NATIONAL, "中华人民共和国", "national", None)
    assert place("6207") == place("620700")                  # the CSVs' short codes are padded
    assert lineage("620721") == ["620721", "620700", "620000", NATIONAL]


def test_zhangyes_six_counties():
    counties = {p.code: p.name for p in places.divisions().children("620700")}
    assert counties == {"620702": "甘州区", "620721": "肃南裕固族自治县", "620722": "民乐县",
                        "620723": "临泽县", "620724": "高台县", "620725": "山丹县"}
    assert all(place(c).level == "county" for c in counties)


@pytest.mark.parametrize("code,name,province", [("441900", "东莞市", "440000"), ("442000", "中山市", "440000"),
                                                ("460400", "儋州市", "460000")])
def test_regression_a_city_without_counties_is_not_its_own_parent(code, name, province):
    """areas.csv lists these cities again among the counties, under their own code: read as a
    county whose parent is itself, lineage() looped until the process ran out of memory (a
    10,000-notice ingest died on a Dongguan notice)."""
    assert place(code) == Place(code, name, "city", province)
    assert lineage(code) == [code, province, NATIONAL]
    assert not places.divisions().children(code)


def test_no_place_is_its_own_ancestor():
    for code in places.divisions().places:
        chain = lineage(code)
        assert len(chain) == len(set(chain)) and chain[-1] == NATIONAL, chain


def test_placeholder_rows_are_not_places():
    assert not [p for p in places.divisions().places.values() if p.name in PLACEHOLDERS]
    assert find("市辖区") is None and find_all("市辖区") == []
    assert place("310100") is None                             # 上海 市辖区
    # what they group is placed under the province (a municipality, or a 省直辖 county)
    assert place("310101") == Place("310101", "黄浦区", "county", "310000")
    assert place("419001").parent == "410000"                  # 济源市, 省直辖县级行政区划
    assert place("500229").parent == "500000"                  # 城口县, 重庆's 县 row


@pytest.mark.parametrize("name, code", [
    ("张掖市", "620700"), ("张掖", "620700"), ("甘肃省", "620000"), ("甘肃", "620000"),
    ("上海市", "310000"), ("上海", "310000"), ("成都市", "510100"), ("成都", "510100"),
    ("湖南省", "430000"), ("肃南裕固族自治县", "620721"), ("肃南", "620721"),
    ("广西壮族自治区", "450000"), ("广西", "450000"), ("西藏", "540000"), ("内蒙古", "150000"),
    ("吉林", "220000"),                                        # the province before 吉林市
])
def test_find_by_full_or_short_name(name, code):
    assert find(name).code == code


def test_an_ambiguous_name_finds_nothing():
    assert find("朝阳区") is None                              # in 北京 and in 长春
    assert {p.parent for p in find_all("朝阳区")} >= {"110000", "220100"}


@pytest.mark.parametrize("text, code", [
    ("张掖市促进中小企业和民营经济发展工作领导小组办公室", "620700"),
    ("湖南省2024年优化营商环境工作要点", "430000"),
    ("上海市人民政府办公厅", "310000"),
    ("成都市人民政府办公厅关于印发《成都市进一步促进民营经济发展壮大若干措施》的通知", "510100"),
    ("甘肃省张掖市中级人民法院", "620700"),                     # narrowed down to the city
    ("中国人民银行张掖市中心支行", "620700"),                    # a place inside the name
    ("人行张掖中心支行", "620700"),
    ("国务院办公厅", NATIONAL),
    ("关于进一步健全支持中小企业发展制度的若干措施", None),
    ("示例市促进中小企业发展工作领导小组办公室", None),
    ("市财政局", None),
])
def test_jurisdiction_of_an_issuer_or_title(text, code):
    assert jurisdiction_of(text) == code
