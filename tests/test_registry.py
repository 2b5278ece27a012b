from pathlib import Path

import pytest
from rdflib import URIRef

from policykg import resources
from policykg.iris import BASE
from policykg.registry import RegistryError, load_registry


def test_every_name_in_the_notice_resolves(doc, registry):
    names = {b.name for m in doc.measures for bl in m.responsibility for b in bl.bodies}
    names |= {r.name for r in doc.header.recipients} | {doc.header.issuer}
    names |= {b.name for b in doc.preamble.implements_issuers.bodies}
    missing = sorted(n for n in names if registry.resolve_body(n) is None)
    assert missing == []


def test_variants_resolve_to_one_entity(registry):
    assert registry.resolve_body("张掖银保分监局") == registry.resolve_body("张掖银保监分局")
    assert registry.resolve_body("市检察院") == registry.resolve_body("市人民检察院")
    assert registry.resolve_body("各县区政府") == registry.resolve_body("各县区人民政府")
    assert registry.resolve_body("张掖经开区管委会") == registry.resolve_body("张掖经济技术开发区管委会")


def test_document_version_in_force_on_a_date(registry):
    title = "保障中小企业款项支付条例"
    assert registry.resolve_document(title, "2021-07-01") == URIRef(BASE + "legal/sme-payment-regulation-2020")
    assert registry.resolve_document(title, "2025-07-01") == URIRef(BASE + "legal/sme-payment-regulation-2025")


def test_vocabulary_triggers(registry):
    assert registry.groups["退伍军人"] == BASE + "group/veterans"
    assert registry.instruments["政府采购"] == BASE + "instrument/procurement"


def test_a_name_claimed_by_two_bodies_is_an_error(tmp_path):
    extra = tmp_path / "clash.ttl"
    extra.write_text("""@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/policykg/id/body/other> pkg:level pkg:MunicipalLevel ;
    skos:altLabel "市财政局"@zh .
""", encoding="utf-8")
    with pytest.raises(RegistryError, match="市财政局"):
        load_registry(resources.registry_files() + [extra])


# --- bodies per jurisdiction -------------------------------------------------------------

ZHANGYE, GANSU, SHANGHAI, CHENGDU, HUNAN = "620700", "620000", "310000", "510100", "430000"


def body(slug):
    return URIRef(BASE + "body/" + slug)


def test_every_registered_body_has_a_jurisdiction(registry):
    from policykg.iris import PKG
    registered = set(registry.graph.subjects(PKG.level, None))
    assert registered and registered == set(registry.jurisdictions)
    assert set(registry.jurisdictions.values()) == {"100000", GANSU, ZHANGYE}
    assert registry.jurisdiction_of(body("zhangye-finance")) == ZHANGYE
    assert registry.jurisdiction_of(body("gansu-most")) == GANSU
    assert registry.jurisdiction_of(body("mof")) == "100000"


def test_a_short_name_means_a_body_of_the_notices_jurisdiction(registry):
    assert registry.resolve_body("市财政局", ZHANGYE) == body("zhangye-finance")
    assert registry.resolve_body("市财政局", "620702") == body("zhangye-finance")   # a county of Zhangye
    assert registry.resolve_body("市财政局", SHANGHAI) is None
    assert registry.resolve_body("市发改委", CHENGDU) is None
    assert registry.resolve_body("省科技厅", ZHANGYE) == body("gansu-most")         # the province above
    assert registry.resolve_body("省发展改革委", HUNAN) is None
    assert registry.resolve_body("财政部", SHANGHAI) == body("mof")                 # national: everywhere


def test_a_name_with_its_place_resolves_in_any_notice(registry):
    for where in (SHANGHAI, CHENGDU, HUNAN, ZHANGYE):
        assert registry.resolve_body("张掖市财政局", where) == body("zhangye-finance")
        assert registry.resolve_body("人行张掖中心支行", where) == body("pboc-zhangye")
        assert registry.resolve_body("甘肃省科学技术厅", where) == body("gansu-most")


def test_without_a_jurisdiction_a_name_means_its_only_body(registry):
    assert registry.resolve_body("市财政局") == body("zhangye-finance")


SHANGHAI_BODIES = (Path(__file__).parent / "fixtures" / "registry" / "shanghai-bodies.ttl").read_text(encoding="utf-8")


def test_a_user_file_extends_the_registry(tmp_path):
    extra = tmp_path / "shanghai.ttl"
    extra.write_text(SHANGHAI_BODIES, encoding="utf-8")
    reg = load_registry(extra=[extra])
    assert reg.resolve_body("市财政局", SHANGHAI) == body("shanghai-finance")
    assert reg.resolve_body("市财政局", ZHANGYE) == body("zhangye-finance")
    assert reg.resolve_body("市财政局", CHENGDU) is None
    assert reg.resolve_body("上海市财政局", ZHANGYE) == body("shanghai-finance")
    assert reg.resolve_body("市财政局") is None                      # two bodies: the notice must say whose
    assert reg.jurisdiction_of(body("shanghai-finance")) == SHANGHAI


def test_one_name_for_two_bodies_of_one_place_is_an_error(tmp_path):
    extra = tmp_path / "clash.ttl"
    extra.write_text(SHANGHAI_BODIES.replace("place:310000", "place:620702"), encoding="utf-8")
    with pytest.raises(RegistryError, match="市财政局"):            # Zhangye's and one of its counties'
        load_registry(extra=[extra])


def test_a_jurisdiction_must_be_a_place(tmp_path):
    extra = tmp_path / "bad.ttl"
    extra.write_text(SHANGHAI_BODIES.replace("place:310000", "place:310100"), encoding="utf-8")  # 市辖区
    with pytest.raises(RegistryError, match="not a place"):
        load_registry(extra=[extra])


@pytest.mark.parametrize("name, kind", [
    ("市财政局", "AdministrativeOrgan"), ("各区政府", "AdministrativeOrgan"),
    ("市交通委（市道运局）", "AdministrativeOrgan"), ("各区（市）县政府", "AdministrativeOrgan"),
    ("市中级人民法院", "JudicialOrgan"), ("省检察院", "ProcuratorialOrgan"), ("市委统战部", "PartyOrgan"),
    ("市工商联", "PeoplesOrganisation"), ("市大数据中心", "PublicInstitution"),
    ("上海农商银行", "FinancialInstitution"), ("人行张掖中心支行", "AdministrativeOrgan"),
    ("久事集团", "Enterprise"), ("有关单位", None),
])
def test_the_kind_of_an_unknown_body_by_its_ending(registry, name, kind):
    found = registry.kind_of(name)
    assert (found.removeprefix("https://w3id.org/policykg/ontology#") if found else None) == kind
