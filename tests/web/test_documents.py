"""The corpus on the web: the documents index, notice pages, two notices side by side."""
import re
from pathlib import Path

import pytest

from policykg.corpus import Corpus
from policykg.web import create_app

NOTICES = Path(__file__).parents[1] / "fixtures" / "notices"
DOC = "https://w3id.org/policykg/id/doc/"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    corpus = Corpus(folder)
    for name in ("hunan-2024-work-points", "shanghai-2024-road-transport"):
        corpus.ingest(NOTICES / f"{name}.txt")
    return create_app({"TESTING": True, "SPARQL_ISOLATE": False, "CORPUS": str(folder)}).test_client()


def test_the_index_lists_every_notice_with_a_working_link(client):
    page = client.get("/documents").get_data(as_text=True)
    for title in ("关于进一步健全支持中小企业发展制度的若干措施", "湖南省2024年优化营商环境工作要点",
                  "上海市促进道路运输业高质量发展行动方案"):
        assert title in page
    assert "沪府办发〔2024〕7号" in page
    hrefs = re.findall(r'<td><a href="([^"]+)">', page)
    assert len(hrefs) == 3
    for href in hrefs:
        assert client.get(href).status_code == 200, href


def _href_of(client, title: str) -> str:
    page = client.get("/documents").get_data(as_text=True)
    return re.search(r'<td><a href="([^"]+)">' + re.escape(title) + "</a>", page)[1]


def test_a_measure_without_a_title_has_a_page(client):
    store = client.application.extensions["policykg"]["store"]
    text = store.select("SELECT ?t WHERE { ?m pkg:number 20 ; pkg:text ?t ; pkg:inDocument ?d . "
                        "?d pkg:title '湖南省2024年优化营商环境工作要点'@zh FILTER NOT EXISTS { ?m pkg:title ?x } }").values("t")
    assert len(text) == 1                                  # task 20 is a paragraph without a title
    r = client.get(_href_of(client, "湖南省2024年优化营商环境工作要点") + "/measure/20")
    assert r.status_code == 200 and text[0][:12] in r.get_data(as_text=True)


def test_two_notices_side_by_side(client):
    shanghai = client.application.extensions["policykg"]["store"].select(
        "SELECT ?d WHERE { ?d a pkg:PolicyDocument ; pkg:documentNumber '沪府办发〔2024〕7号' }").values("d")[0]
    page = client.get("/compare", query_string={"a": DOC + "zczmbf-2021-9", "b": shanghai}).get_data(as_text=True)
    assert "关于进一步健全支持中小企业发展制度的若干措施" in page and "上海市促进道路运输业高质量发展行动方案" in page
    assert "金融支持" in page                       # the Zhangye notice's most used instrument
    assert client.get("/compare", query_string={"a": DOC + "nope", "b": shanghai}).status_code == 404
    assert client.get("/compare").status_code == 200


def test_a_saved_query_page_answers_for_one_notice(client):
    everything = client.get("/queries/part-summary.csv").get_data(as_text=True)
    zhangye = client.get("/queries/part-summary.csv?notice=zczmbf-2021-9").get_data(as_text=True)
    assert len(zhangye.splitlines()) == 1 + 7 < len(everything.splitlines())
    page = client.get("/queries/part-summary?notice=zczmbf-2021-9").get_data(as_text=True)
    assert "notice=zczmbf-2021-9" in page                  # the permalink keeps it
    bad = client.get("/queries/part-summary.csv?notice=nope")
    assert bad.status_code == 400 and "no notice 'nope'" in bad.get_data(as_text=True)
