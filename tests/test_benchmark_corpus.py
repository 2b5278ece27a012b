"""The synthetic corpus the benchmarks time: n distinct notices sharing the registries."""
import sys
from pathlib import Path

from rdflib.namespace import RDF

from policykg.iris import PKG

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import DOC, corpus, shipped  # noqa: E402


def test_corpus_has_n_distinct_notices_of_the_same_shape():
    base = shipped()
    g = corpus(3, base)
    # triples that name no part of the notice (e.g. the implemented document's
    # issuers) are shared by the copies, the rest is copied three times
    shared = sum(1 for t in base if not any(str(x).startswith(str(DOC)) for x in t))
    assert shared > 0
    assert len(g) == 3 * len(base) - 2 * shared
    docs = set(g.subjects(RDF.type, PKG.PolicyDocument))
    assert len(docs) == 3
    assert len({str(n) for d in docs for n in g.objects(d, PKG.documentNumber)}) == 3
    assert len(set(g.subjects(RDF.type, PKG.Measure))) == 105
    assert len(set(g.subjects(RDF.type, PKG.LegalBasis))) == 3 * len(set(base.subjects(RDF.type, PKG.LegalBasis))) > 0
