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
