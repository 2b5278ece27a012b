"""Publishing the dataset: dumps with checksums, a DCAT-AP 3.0.1 description, VoID.

    export(store, fmt, gzip)     one dump as bytes: ttl nt nq trig jsonld rdfxml (+ .gz)
    dumps(store)                 every dump, each with its file name, size and sha256
    dcat_graph(store, dumps)     catalogue, dataset, one distribution per dump (DCAT-AP 3.0.1)
    void_graph(store, dumps)     VoID: counts, partitions, linksets (each count a SPARQL count)

The dumps hold what the store holds: the triple formats its default graph (ontology,
vocabularies, registries, data, laws, linksets and every notice of the corpus), the quad
formats that and every named graph (one per notice of the corpus). The descriptions are
not part of the dumps (a dump cannot hold its own checksum); they are served beside them.
"""
from __future__ import annotations

import gzip as gz
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from . import __version__, jsonld
from .iris import BASE, PKG

SITE = "https://w3id.org/policykg/"          # what the w3id redirect (w3id/.htaccess) serves
CATALOG = URIRef(SITE + "catalog")
DATASET = URIRef(SITE + "catalog#dataset")
PUBLISHER = URIRef(SITE + "catalog#publisher")
SPARQL_SERVICE = URIRef(SITE + "catalog#sparql")
SOFTWARE = URIRef(SITE + "catalog#software")
SHAPES = URIRef(SITE + "shapes")
ONTOLOGY = URIRef(SITE + "ontology")
CONTEXT = SITE + "context.jsonld"
DOWNLOAD = SITE + "download/"
SPARQL = URIRef(SITE + "sparql")
VOID_DOC = URIRef(SITE + "void")

VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SCHEMA = Namespace("http://schema.org/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
IANA = "http://www.iana.org/assignments/media-types/"
DCAT_AP = URIRef("http://data.europa.eu/r5r/")     # DCAT-AP 3.0.1

# the data (the knowledge graph) and the code (policykg itself) are licensed separately
DATA_LICENSE = URIRef("http://creativecommons.org/licenses/by/4.0/")
CODE_LICENSE = URIRef("https://opensource.org/licenses/MIT")


@dataclass(frozen=True)
class Format:
    key: str              # what `policykg export --format` takes
    extension: str        # of the file name
    media: str
    file_type: str        # EU file-type authority code
    quads: bool           # named graphs kept


FORMATS = {f.key: f for f in (
    Format("ttl", "ttl", "text/turtle", "RDF_TURTLE", False),
    Format("nt", "nt", "application/n-triples", "RDF_N_TRIPLES", False),
    Format("nq", "nq", "application/n-quads", "RDF_N_QUADS", True),
    Format("trig", "trig", "application/trig", "RDF_TRIG", True),
    Format("jsonld", "jsonld", "application/ld+json", "JSON_LD", False),
    Format("rdfxml", "rdf", "application/rdf+xml", "RDF_XML", False),
)}
_OX = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
       "trig": ox.RdfFormat.TRIG, "rdfxml": ox.RdfFormat.RDF_XML}


def ox_store(store) -> ox.Store:
    return store.store if hasattr(store, "store") else store


def export(store, fmt: str, gzip: bool = False) -> bytes:
    """The store in one format (see FORMATS); gzipped with a fixed time stamp when `gzip`, so
    the same data always gives the same bytes and checksum."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    s = ox_store(store)
    if fmt == "jsonld":
        data = jsonld.dumps(s.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    elif fmt in ("nt", "nq"):
        # line formats sorted: the same data gives the same bytes in any store
        kw = {} if FORMATS[fmt].quads else {"from_graph": ox.DefaultGraph()}
        lines = s.dump(format=_OX[fmt], **kw).decode("utf-8").splitlines(keepends=True)
        data = "".join(sorted(lines)).encode("utf-8")
    else:
        kw = {"prefixes": jsonld.all_prefixes()}
        if not FORMATS[fmt].quads:
            kw["from_graph"] = ox.DefaultGraph()
        if fmt == "rdfxml":
            kw["prefixes"] = {p: ns for p, ns in kw["prefixes"].items() if ns[-1] in "#/"}
        data = s.dump(format=_OX[fmt], **kw)
    return gz.compress(data, compresslevel=6, mtime=0) if gzip else data


def file_name(fmt: str, gzip: bool = False) -> str:
    return f"policykg.{FORMATS[fmt].extension}" + (".gz" if gzip else "")


def write_export(data: bytes, out: Path) -> None:
    """Write a dump atomically: a fsynced temporary beside OUT, renamed over it."""
    from .pipeline import atomic_write_bytes
    out = Path(out)
    if out.is_dir():
        raise IsADirectoryError(f"{out} is a folder: give a file name, e.g. {out / 'policykg.ttl'}")
    if not out.parent.is_dir():
        raise FileNotFoundError(f"{out.parent} does not exist: the folder for {out.name} must exist")
    atomic_write_bytes(out, data)


@dataclass(frozen=True)
class Dump:
    name: str
    fmt: str
    gzip: bool
    data: bytes

    @property
    def media(self) -> str:
        return "application/gzip" if self.gzip else FORMATS[self.fmt].media

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def listing(self) -> dict:
        return {"name": self.name, "format": self.fmt, "mediaType": FORMATS[self.fmt].media,
                "compression": "gzip" if self.gzip else None, "size": self.size, "sha256": self.sha256,
                "url": DOWNLOAD + self.name}


def dumps(store) -> list[Dump]:
    """Every dump: each format plain and gzipped (the gzip of the plain bytes)."""
    out = []
    for fmt in FORMATS:
        data = export(store, fmt)
        out.append(Dump(file_name(fmt), fmt, False, data))
        out.append(Dump(file_name(fmt, True), fmt, True, gz.compress(data, compresslevel=6, mtime=0)))
    return out


# --- describing the dataset ------------------------------------------------------------------

def _select(store, query: str) -> list[tuple]:
    s = ox_store(store)
    return [tuple(row) for row in s.query(query)]


def _rl(term) -> Literal | URIRef:
    """A pyoxigraph term as rdflib."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _count(store, query: str) -> int:
    rows = _select(store, query)
    return int(rows[0][0].value) if rows else 0


def _zh_en(g: Graph, node, prop, zh: str, en: str) -> None:
    g.add((node, prop, Literal(zh, lang="zh")))
    g.add((node, prop, Literal(en, lang="en")))


def _bind(g: Graph) -> Graph:
    for p, ns in {**jsonld.all_prefixes(), "dcat": str(DCAT), "foaf": str(FOAF), "spdx": str(SPDX),
                  "schema": str(SCHEMA), "vcard": str(VCARD), "void": str(VOID), "dcatap": str(DCAT_AP)}.items():
        g.bind(p, ns)
    return g


def notices(store) -> list[dict]:
    """The notices of the store: IRI, title, date, place, source text and its sha256."""
    rows = _select(store, f"""
        SELECT ?doc ?title ?date ?place ?src ?sha WHERE {{
          ?doc a <{PKG.PolicyDocument}> ; <{PKG.title}> ?title ; <{DCTERMS.source}> ?src .
          ?src <{PKG.sha256}> ?sha .
          OPTIONAL {{ ?doc <{PKG.dateIssued}> ?date }}
          OPTIONAL {{ ?doc <{DCTERMS.spatial}> ?place }}
        }} ORDER BY ?doc""")
    return [{"doc": r[0], "title": r[1], "date": r[2], "place": r[3], "source": r[4], "sha256": r[5]} for r in rows]


def dcat_graph(store, dump_list: list[Dump]) -> Graph:
    """The DCAT-AP 3.0.1 description: catalogue, dataset, one distribution per dump, the SPARQL
    service; generated from the data (its notices, places, dates and source checksums)."""
    g = _bind(Graph())
    docs = notices(store)
    g.add((CATALOG, RDF.type, DCAT.Catalog))
    _zh_en(g, CATALOG, DCTERMS.title, "policykg 政策知识图谱数据目录", "policykg catalogue of policy knowledge graphs")
    _zh_en(g, CATALOG, DCTERMS.description,
           "中国公共政策文件知识图谱的数据目录：数据集、各格式下载文件及 SPARQL 查询服务。",
           "Catalogue of the policykg knowledge graph of Chinese public-policy documents: the dataset, "
           "its downloads in each format and its SPARQL service.")
    g.add((CATALOG, DCTERMS.publisher, PUBLISHER))
    g.add((CATALOG, DCTERMS.license, DATA_LICENSE))
    g.add((CATALOG, DCAT.dataset, DATASET))
    g.add((CATALOG, DCAT.service, SPARQL_SERVICE))
    g.add((CATALOG, FOAF.homepage, URIRef(SITE)))
    g.add((CATALOG, DCTERMS.conformsTo, DCAT_AP))
    g.add((URIRef(SITE), RDF.type, FOAF.Document))
    g.add((DCAT_AP, RDF.type, DCTERMS.Standard))
    g.add((DCAT_AP, RDFS.label, Literal("DCAT-AP 3.0.1", lang="en")))

    g.add((PUBLISHER, RDF.type, FOAF.Agent))
    g.add((PUBLISHER, FOAF.name, Literal("policykg 项目", lang="zh")))
    g.add((PUBLISHER, FOAF.name, Literal("the policykg project", lang="en")))

    g.add((DATASET, RDF.type, DCAT.Dataset))
    titles = "、".join(f"《{d['title'].value}》" for d in docs)
    _zh_en(g, DATASET, DCTERMS.title, "policykg 政策知识图谱", "policykg knowledge graph of Chinese policy documents")
    _zh_en(g, DATASET, DCTERMS.description,
           f"从政策文件原文抽取的知识图谱（{len(docs)} 份文件：{titles}）：措施、责任单位、引用的法律法规及条款、"
           "量化指标、政策工具、目标群体，每一事实链接到原文字句；并含本体、登记簿、行政区划与外部链接。",
           f"A knowledge graph extracted from the text of {len(docs)} policy notice(s): measures, responsible "
           "bodies, cited laws and their articles, quantitative targets, policy instruments and target groups, "
           "each fact linked to the words it rests on; with the ontology, registries, administrative divisions "
           "and links to Wikidata and official sources.")
    g.add((DATASET, DCTERMS.publisher, PUBLISHER))
    g.add((DATASET, DCTERMS.license, DATA_LICENSE))
    g.add((DATASET, DCTERMS.conformsTo, SHAPES))
    g.add((DATASET, DCTERMS.identifier, Literal(SITE + "catalog#dataset")))
    g.add((DATASET, DCAT.landingPage, URIRef(SITE)))
    g.add((DATASET, DCTERMS.relation, SOFTWARE))
    g.add((DATASET, DCAT.keyword, Literal("政策文件", lang="zh")))
    g.add((DATASET, DCAT.keyword, Literal("policy documents", lang="en")))
    g.add((DATASET, DCAT.keyword, Literal("中小企业", lang="zh")))
    g.add((DATASET, DCAT.keyword, Literal("SMEs", lang="en")))
    # EU vocabularies (publications.europa.eu authority tables): theme, languages
    for node in (CATALOG, DATASET):
        for code in ("ZHO", "ENG"):
            g.add((node, DCTERMS.language, LANGUAGE[code]))
            g.add((LANGUAGE[code], RDF.type, DCTERMS.LinguisticSystem))
    g.add((DATASET, DCAT.theme, THEME.GOVE))
    g.add((THEME.GOVE, RDF.type, SKOS.Concept))
    g.add((CATALOG, DCAT.themeTaxonomy, URIRef(str(THEME).rstrip("/"))))
    g.add((URIRef(str(THEME).rstrip("/")), RDF.type, SKOS.ConceptScheme))
    g.add((URIRef(str(THEME).rstrip("/")), DCTERMS.title, Literal("Data theme", lang="en")))
    g.add((THEME.GOVE, SKOS.prefLabel, Literal("Government and public sector", lang="en")))
    g.add((SHAPES, RDF.type, DCTERMS.Standard))
    _zh_en(g, SHAPES, RDFS.label, "policykg SHACL 形状", "policykg SHACL shapes")
    g.add((DATA_LICENSE, RDF.type, DCTERMS.LicenseDocument))
    g.add((DATA_LICENSE, RDFS.label, Literal("Creative Commons Attribution 4.0 International (data)", lang="en")))
    # the code: a resource of its own, so its licence is not read as the data's
    g.add((SOFTWARE, RDF.type, SCHEMA.SoftwareSourceCode))
    g.add((SOFTWARE, DCTERMS.title, Literal(f"policykg {__version__} (software)", lang="en")))
    g.add((SOFTWARE, DCTERMS.license, CODE_LICENSE))
    g.add((CODE_LICENSE, RDF.type, DCTERMS.LicenseDocument))
    g.add((CODE_LICENSE, RDFS.label, Literal("MIT License (code)", lang="en")))

    for d in docs:
        if d["place"] is not None:
            place = _rl(d["place"])
            g.add((DATASET, DCTERMS.spatial, place))
            g.add((place, RDF.type, DCTERMS.Location))
        # the source notice, by its checksum: what every fact of the data was read from
        src = _rl(d["source"])
        g.add((DATASET, PROV.hadPrimarySource, src))
        g.add((src, RDF.type, PROV.Entity))
        ck = BNode(f"checksum-{hashlib.sha256(str(src).encode()).hexdigest()[:16]}")
        g.add((src, SPDX.checksum, ck))
        g.add((ck, RDF.type, SPDX.Checksum))
        g.add((ck, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((ck, SPDX.checksumValue, Literal(d["sha256"].value, datatype=XSD.hexBinary)))
    dates = sorted(d["date"].value for d in docs if d["date"] is not None)
    if dates:
        period = URIRef(SITE + "catalog#period")
        g.add((DATASET, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(dates[0], datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(dates[-1], datatype=XSD.date)))

    g.add((SPARQL_SERVICE, RDF.type, DCAT.DataService))
    _zh_en(g, SPARQL_SERVICE, DCTERMS.title, "policykg SPARQL 查询服务", "policykg SPARQL endpoint")
    g.add((SPARQL_SERVICE, DCAT.endpointURL, SPARQL))
    g.add((SPARQL_SERVICE, DCAT.servesDataset, DATASET))
    g.add((SPARQL_SERVICE, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((URIRef("https://www.w3.org/TR/sparql11-protocol/"), RDF.type, DCTERMS.Standard))
    g.add((SPARQL_SERVICE, DCTERMS.license, DATA_LICENSE))
    g.add((SPARQL_SERVICE, DCTERMS.publisher, PUBLISHER))
    g.add((SPARQL_SERVICE, DCAT.endpointDescription, SPARQL))     # the service description (GET without a query)
    g.add((SPARQL_SERVICE, DCAT.keyword, Literal("SPARQL", lang="en")))
    g.add((SPARQL_SERVICE, DCAT.theme, THEME.GOVE))

    for dump in dump_list:
        f = FORMATS[dump.fmt]
        dist = URIRef(SITE + f"catalog#dist-{dump.name}")
        g.add((DATASET, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        zipped = "（gzip 压缩）" if dump.gzip else ""
        _zh_en(g, dist, DCTERMS.title, f"整个数据集，{f.file_type} 格式{zipped}",
               f"the whole dataset as {f.file_type}" + (", gzipped" if dump.gzip else ""))
        _zh_en(g, dist, DCTERMS.description,
               f"整个数据集（本体、登记簿、数据、法律条文、链接集及全部文件）的 {f.media} 文件{zipped}"
               + ("，保留命名图" if f.quads else ""),
               f"The whole dataset (ontology, registries, data, law texts, linksets and every notice) as "
               f"{f.media}" + (", gzipped" if dump.gzip else "") + ("; named graphs kept" if f.quads else ""))
        g.add((dist, DCAT.accessURL, URIRef(DOWNLOAD)))
        g.add((dist, DCAT.downloadURL, URIRef(DOWNLOAD + dump.name)))
        g.add((dist, DCAT.accessService, SPARQL_SERVICE))
        g.add((dist, DCTERMS.format, FILE_TYPE[f.file_type]))
        g.add((FILE_TYPE[f.file_type], RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((dist, DCAT.mediaType, URIRef(IANA + f.media)))
        g.add((URIRef(IANA + f.media), RDF.type, DCTERMS.MediaType))
        if dump.gzip:
            g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
            g.add((URIRef(IANA + "application/gzip"), RDF.type, DCTERMS.MediaType))
        g.add((dist, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, DATA_LICENSE))
        g.add((dist, DCTERMS.conformsTo, SHAPES))
        ck = BNode(f"checksum-{dump.name}")
        g.add((dist, SPDX.checksum, ck))
        g.add((ck, RDF.type, SPDX.Checksum))
        g.add((ck, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((ck, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    for p in (URIRef(DOWNLOAD),):
        g.add((p, RDF.type, FOAF.Document))
    return g


# --- VoID -----------------------------------------------------------------------------------

LINKSETS = {
    # linkset → (its link predicate, the target dataset, what its objects start with)
    "wikidata": ("http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/",
                 "http://www.wikidata.org/entity/"),
    "official": (str(RDFS.seeAlso), "https://www.gov.cn/", "https://www.gov.cn/"),
    "divisions": (str(RDFS.seeAlso), "https://www.stats.gov.cn/sj/tjbz/tjyqhdmhcxhfdm/2023/index.html",
                  "https://www.stats.gov.cn/sj/tjbz/tjyqhdmhcxhfdm/2023/"),
}
EXAMPLES = ("doc/zczmbf-2021-9", "doc/zczmbf-2021-9/measure/9", "body/zhangye-finance", "place/620700")


def linkset_query(name: str, count: str = "*") -> str:
    """The SPARQL pattern of one linkset: its predicate, from our IRIs to the target's."""
    pred, _, prefix = LINKSETS[name]
    return (f"SELECT (COUNT({count}) AS ?n) WHERE {{ ?s <{pred}> ?o . "
            f"FILTER (STRSTARTS(STR(?s), \"{SITE}\") && STRSTARTS(STR(?o), \"{prefix}\")) }}")


def void_graph(store, dump_list: list[Dump]) -> Graph:
    """VoID of the default graph: every number here is a SPARQL count over the store."""
    g = _bind(Graph())
    ds = DATASET
    g.add((VOID_DOC, RDF.type, VOID.DatasetDescription))
    _zh_en(g, VOID_DOC, DCTERMS.title, "policykg 数据集的 VoID 描述", "VoID description of the policykg dataset")
    g.add((VOID_DOC, FOAF.primaryTopic, ds))
    g.add((ds, RDF.type, VOID.Dataset))
    _zh_en(g, ds, DCTERMS.title, "policykg 政策知识图谱", "policykg knowledge graph of Chinese policy documents")
    g.add((ds, DCTERMS.license, DATA_LICENSE))
    g.add((ds, VOID.sparqlEndpoint, SPARQL))
    for dump in dump_list:
        g.add((ds, VOID.dataDump, URIRef(DOWNLOAD + dump.name)))
    g.add((ds, VOID.uriSpace, Literal(BASE)))
    g.add((ds, VOID.rootResource, URIRef(BASE + EXAMPLES[0])))
    for ex in EXAMPLES:
        g.add((ds, VOID.exampleResource, URIRef(BASE + ex)))
    g.add((ds, VOID.triples, Literal(_count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))))
    g.add((ds, VOID.entities, Literal(_count(store, ENTITIES))))
    g.add((ds, VOID.classes, Literal(_count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"))))
    g.add((ds, VOID.properties, Literal(_count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"))))
    g.add((ds, VOID.distinctSubjects, Literal(_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"))))
    g.add((ds, VOID.distinctObjects, Literal(_count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"))))
    for (ns,) in _select(store, VOCABULARIES):
        g.add((ds, VOID.vocabulary, URIRef(ns.value)))
    for cls, n in _select(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"):
        part = BNode(f"class-{hashlib.sha256(cls.value.encode()).hexdigest()[:16]}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls.value)))
        g.add((part, VOID.entities, Literal(int(n.value))))
    for prop, n in _select(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"):
        part = BNode(f"property-{hashlib.sha256(prop.value.encode()).hexdigest()[:16]}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop.value)))
        g.add((part, VOID.triples, Literal(int(n.value))))
    for name, (pred, target, _) in LINKSETS.items():
        ls = URIRef(BASE + f"linkset/{name}")
        g.add((ds, VOID.subset, ls))
        g.add((ls, RDF.type, VOID.Linkset))
        g.add((ls, VOID.subjectsTarget, ds))
        g.add((ls, VOID.objectsTarget, URIRef(target)))
        g.add((URIRef(target), RDF.type, VOID.Dataset))
        g.add((ls, VOID.linkPredicate, URIRef(pred)))
        g.add((ls, VOID.triples, Literal(_count(store, linkset_query(name)))))
    return g


# entities: the IRIs under the dataset's URI space that are subjects
ENTITIES = f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o . FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")) }}"""
# the namespaces of the classes and properties used
VOCABULARIES = """SELECT DISTINCT ?ns WHERE {
  { ?s ?t ?o . BIND (?t AS ?term) } UNION { ?s a ?term }
  BIND (IRI(REPLACE(STR(?term), "[^#/]+$", "")) AS ?ns)
} ORDER BY ?ns"""
