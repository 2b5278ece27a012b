"""Result formats: W3C SPARQL 1.1 JSON, XML, CSV and TSV, and the terminal table."""
import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from rdflib.plugins.sparql.results.jsonresults import JSONResultParser
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser

from policykg.results import ResultSet, Term, display_width, from_json, to_csv, to_json, to_table, to_tsv, to_xml

XSD = "http://www.w3.org/2001/XMLSchema#"
RS = ResultSet(["number", "title", "measure", "note"], [
    (Term.literal("9", XSD + "integer"), Term.literal("严格执行政府采购", lang="zh"),
     Term.iri("https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/9"), None),
    (Term.literal("16", XSD + "integer"), Term.literal('含"引号",逗号\n和换行'),
     Term.iri("https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/16"), Term.literal("1.5", XSD + "decimal")),
])


def test_json_is_sparql_results_json_and_round_trips():
    text = to_json(RS)
    data = json.loads(text)
    assert data["head"]["vars"] == ["number", "title", "measure", "note"]
    first = data["results"]["bindings"][0]
    assert first["title"] == {"type": "literal", "value": "严格执行政府采购", "xml:lang": "zh"}
    assert first["number"]["datatype"] == XSD + "integer" and "note" not in first
    assert from_json(text) == RS
    parsed = JSONResultParser().parse(io.StringIO(text))        # an independent reader
    assert len(parsed.bindings) == 2


def test_xml_is_sparql_results_xml():
    text = to_xml(RS)
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == RS.variables
    lit = root.find("s:results/s:result/s:binding[@name='title']/s:literal", ns)
    assert lit.text == "严格执行政府采购" and lit.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    parsed = XMLResultParser().parse(io.BytesIO(text.encode("utf-8")))
    assert len(parsed.bindings) == 2


def test_csv_follows_the_w3c_csv_format():
    text = to_csv(RS)
    assert text.startswith("number,title,measure,note\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["9", "严格执行政府采购", "https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/9", ""]
    assert rows[2][1] == '含"引号",逗号\n和换行'


def test_tsv_follows_the_w3c_tsv_format():
    lines = to_tsv(RS).split("\n")
    assert lines[0] == "?number\t?title\t?measure\t?note"
    assert lines[1].split("\t") == ["9", '"严格执行政府采购"@zh',
                                    "<https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/9>", ""]
    assert lines[2].split("\t")[1] == '"含\\"引号\\",逗号\\n和换行"'
    assert lines[2].split("\t")[3] == "1.5"


def test_table_aligns_chinese_by_display_width():
    assert display_width("市财政局") == 8 and display_width("abc") == 3
    table = to_table(RS)
    lines = table.splitlines()
    bars = {display_width(l[:l.index("│")]) for l in lines[:4] if "│" in l}
    assert len(bars) == 1                     # the first column separator lines up on every row
    assert lines[-1] == "(2 rows)"


def test_virtuosos_ask_table_is_read_as_its_boolean():
    """Virtuoso 7.2 answers ASK as a one-column table (seen on a real server in
    tests/test_remote_merge.py): a row holding 1 is true, no row is false."""
    from policykg.results import ResultsError, ask_from_json
    head = '{ "head": { "link": [], "vars": ["__ASK_RETVAL"] }, "results": { "distinct": false, "ordered": true, '
    one = '"bindings": [ { "__ASK_RETVAL": { "type": "typed-literal", "datatype": ' \
          '"http://www.w3.org/2001/XMLSchema#integer", "value": "1" }} ] } }'
    assert ask_from_json(head + one) is True
    assert ask_from_json(head + '"bindings": [ ] } }') is False
    with pytest.raises(ResultsError, match="no boolean"):
        ask_from_json('{ "head": { "vars": ["x"] }, "results": { "bindings": [] } }')
