"""The shapes file itself: every shape has a severity and a message in zh and en."""
from rdflib import Literal
from rdflib.namespace import RDF, SH

from policykg.validate import shapes_graph


def shapes():
    g = shapes_graph()
    nodes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.objects(None, SH.property))
    return g, nodes


def test_every_shape_has_a_severity_and_bilingual_message():
    g, nodes = shapes()
    assert len(nodes) > 50
    for shape in nodes:
        assert g.value(shape, SH.severity) in (SH.Violation, SH.Warning), shape
        langs = {m.language for m in g.objects(shape, SH.message) if isinstance(m, Literal)}
        assert {"zh", "en"} <= langs, shape


def test_every_sparql_constraint_has_bilingual_messages_zh_first_character_chinese():
    g, _ = shapes()
    constraints = list(g.objects(None, SH.sparql))
    assert constraints
    for c in constraints:
        msgs = {m.language: str(m) for m in g.objects(c, SH.message)}
        assert set(msgs) == {"zh", "en"}, c
        # validate._text tells untagged pySHACL messages apart by this convention
        assert "\u4e00" <= msgs["zh"][0] <= "\u9fff" and not ("\u4e00" <= msgs["en"][0] <= "\u9fff")
        assert g.value(c, SH.prefixes) is not None
