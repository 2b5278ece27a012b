"""The `policykg` command: a thin layer over the library API.

Exit codes: 0 success, 1 the graph does not conform or the data is stale,
2 bad input (malformed text, RDF or parameters), 3 a remote store refused a graph.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import resources
from .results import FORMATS, render
from .validate import BYTES_PER_TRIPLE, DEFAULT_MAX_TRIPLES, InputError, cost_line, validate_file

# The build code (extractor, rdflib graphs, the SHACL gate) is imported by the commands that
# build, not here: a `policykg query` or `--help` would pay its second of import at every start.
if TYPE_CHECKING:
    from .pipeline import BuildResult

EXIT_INVALID = 1
EXIT_BAD_INPUT = 2
EXIT_REMOTE = 3


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(f"policykg: {message}", err=True)
    sys.exit(code)


def print_warnings(warnings: list[str]) -> None:
    for w in warnings:
        click.echo(w, err=True)


def print_summary(counts: dict[str, int], written: list[Path]) -> None:
    for path in written:
        click.echo(f"wrote {path}")
    width = max(len(k) for k in counts)
    for key, value in counts.items():
        click.echo(f"  {key.replace('_', ' '):<{width}}  {value}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policykg")
def main() -> None:
    """Knowledge graph of Chinese policy notices: build, validate, query."""


source_option = click.option("--source", type=click.Path(dir_okay=False, path_type=Path),
                             help="Notice text (default: the shipped data/source/zhangye-2021-9.txt).")
out_option = click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                          help="Turtle output (default: data/measures.ttl); laws.ttl and "
                               "legal-basis.ttl are written beside it.")


jurisdiction_option = click.option(
    "--jurisdiction", metavar="CODE",
    help="GB/T 2260 code of the notice's division (e.g. 310000); default: read from its header.")
registry_option = click.option(
    "--registry", "extra", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
    help="More registry bodies (Turtle, like data/registry/bodies.ttl); repeatable.")


def _registry(extra: tuple[Path, ...]):
    from .registry import RegistryError, load_registry
    try:
        return load_registry(extra=list(extra)) if extra else None
    except (RegistryError, ValueError, SyntaxError) as e:
        fail(str(e))
    except FileNotFoundError as e:
        fail(f"{e.filename}: no such file")


def _build(source: Path | None, out: Path | None, validate: bool, jurisdiction: str | None = None,
           extra: tuple[Path, ...] = ()) -> BuildResult:
    from .extract import ExtractError
    from .pipeline import BuildError, OutputError, build as build_graph, prepare_outputs
    from .registry import RegistryError
    registry = _registry(extra)
    try:
        # refuse a bad OUT before the 10 s of work, and finish what a killed build began
        print_warnings(prepare_outputs(source, out))
        return build_graph(source, out, validate=validate, registry=registry, jurisdiction=jurisdiction)
    except (ExtractError, RegistryError, InputError, OutputError) as e:
        fail(str(e))
    except ValueError as e:
        if "jurisdiction" not in str(e):
            raise
        fail(str(e))
    except FileNotFoundError as e:
        fail(f"{e.filename}: no such file")
    except BuildError as e:
        fail(str(e), EXIT_INVALID)
    except OSError as e:                      # e.g. an unreadable notice, or the disk filled while writing
        fail(f"{e.filename or out or resources.default_output()}: {e.strerror or e}; nothing was written")


@main.command()
@source_option
@out_option
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if the output file differs from a fresh build.")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL gate (not for publishing).")
@jurisdiction_option
@registry_option
def build(source: Path | None, out: Path | None, check: bool, no_validate: bool,
          jurisdiction: str | None, extra: tuple[Path, ...]) -> None:
    """Extract the graph from a notice and write it as sorted Turtle.

    Writes OUT and, beside it, laws.ttl and legal-basis.ttl, replaced together;
    refuses (exit 2) an OUT that would overwrite an input or a companion.
    """
    from .extract import ExtractError
    from .pipeline import OutputError, check as check_output, check_out_name, output_paths, recover
    from .registry import RegistryError
    from .summary import summarize
    if check:
        target = out or resources.default_output()
        try:
            check_out_name(target)
            print_warnings(recover(target.parent, [o.name for o in output_paths(target)]))
            same, result = check_output(source, out, registry=_registry(extra), jurisdiction=jurisdiction)
        except (ExtractError, RegistryError, OutputError, ValueError) as e:
            fail(str(e))
        except FileNotFoundError as e:
            fail(f"{e.filename}: no such file")
        if not same:
            fail(f"{target} is stale: run `policykg build` and commit the result", EXIT_INVALID)
        click.echo(f"{target} is up to date")
        return
    result = _build(source, out, not no_validate, jurisdiction, extra)
    print_warnings(result.warnings)
    print_summary(summarize(result.graph), result.written_files)


def max_triples_option(why: str):
    return click.option(
        "--max-triples", type=click.IntRange(min=1), default=DEFAULT_MAX_TRIPLES, show_default=True,
        help=f"Refuse a file with more triples ({why}); a file over {BYTES_PER_TRIPLE} bytes per "
             f"allowed triple is refused without being read.")


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text",
              show_default=True, help="Report format.")
@max_triples_option("validation takes about 35 s and 1 GB for 200,000 and grows faster than the data")
def validate(file: Path | None, fmt: str, max_triples: int) -> None:
    """Validate an RDF file (default: data/measures.ttl) against the SHACL shapes.

    Says on standard error how many triples it validates and about how long
    that takes. Exits 1 if there is any violation (warnings are reported but
    pass), 2 if the file is unreadable, empty or too large. Nothing is fetched:
    owl:imports are not followed and a JSON-LD context must be in the file.
    """
    def announce(triples: int) -> None:
        click.echo(cost_line(triples), err=True)
    try:
        report = validate_file(file or resources.default_output(), max_triples=max_triples, announce=announce)
    except InputError as e:
        fail(str(e))
    click.echo({"text": report.text, "turtle": report.to_turtle, "json": report.to_json}[fmt]())
    sys.exit(0 if report.conforms else EXIT_INVALID)


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--export", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the inferred triples to this Turtle file.")
@click.option("--engine", type=click.Choice(["hermit", "owlrl"]), default="hermit", show_default=True,
              help="hermit: OWL 2 DL, checks consistency; owlrl: OWL 2 RL materialisation, for corpora.")
@max_triples_option("HermiT grows faster than the data; for corpora use --engine owlrl")
def reason(file: Path | None, export: Path | None, engine: str, max_triples: int) -> None:
    """Run HermiT over a graph (default: data/measures.ttl) with the ontology.

    Reports consistency, unsatisfiable classes and what was inferred; exits 1
    if the graph is inconsistent or a class is unsatisfiable. Nothing is
    fetched: owl:imports are left out of what the reasoner sees.
    """
    from .pipeline import OutputError, atomic_write, check_writable, same_file
    from .reason import ReasonerUnavailable, reason_file
    file = file or resources.default_output()
    if export is not None:
        if same_file(export, file):
            fail(f"--export {export} would overwrite {file}, the graph being reasoned over; "
                 f"choose another file")
        try:
            check_writable(export)
        except OutputError as e:
            fail(str(e).replace("--out", "--export", 1))
    try:
        report = reason_file(file, engine, max_triples=max_triples)
    except InputError as e:
        fail(str(e))
    except ReasonerUnavailable as e:
        fail(str(e))
    click.echo(report.text())
    if export is not None and report.consistent:
        try:
            atomic_write(export, report.export())
        except OSError as e:
            fail(f"{export}: cannot write: {e.strerror or e}")
        click.echo(f"wrote {export}")
    sys.exit(0 if report.consistent and not report.unsatisfiable else EXIT_INVALID)


endpoint_option = click.option("--endpoint", metavar="URL",
                               help="Query this SPARQL 1.1 endpoint instead of the embedded store.")
format_option = click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="table",
                             show_default=True,
                             help="table, or a W3C format: csv, tsv, json (SPARQL JSON), xml (SPARQL XML).")


def _store(endpoint: str | None):
    from .corpus import Corpus
    from .store import QueryError, open_store
    try:
        return open_store(endpoint, corpus=None if endpoint else Corpus())
    except QueryError as e:
        fail(str(e))


def _emit(result, fmt: str, store) -> None:
    if isinstance(result, bool):
        click.echo(json.dumps({"head": {}, "boolean": result}) if fmt == "json" else str(result).lower())
    elif isinstance(result, list):
        for t in result:
            click.echo(f"{t.subject.n3()} {t.predicate.n3()} {t.object.n3()} .")
    else:
        click.echo(render(result, fmt, store.prefixes), nl=False)


@main.command("queries")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def list_queries(lang: str) -> None:
    """List the saved queries with their titles and parameters."""
    from .queries import load_queries
    for name, q in load_queries().items():
        other = "en" if lang == "zh" else "zh"
        click.echo(f"{name}\n    {q.title[lang]} / {q.title[other]}")
        for p in q.parameters:
            example = f", e.g. {p.example}" if p.example else ""
            click.echo(f"    --param {p.describe()}{example}")
        click.echo(f"    → {', '.join(q.columns)}")


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        if "=" not in item:
            fail(f"--param takes NAME=VALUE, not {item!r}")
        key, value = item.split("=", 1)
        params[key.strip()] = value
    return params


@main.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of the saved query (repeatable).")
@format_option
@endpoint_option
def query(name: str, params: tuple[str, ...], fmt: str, endpoint: str | None) -> None:
    """Run the saved query NAME (see `policykg queries`)."""
    from .queries import FrontMatterError, ParameterError, get_query, run_saved_query
    from .store import QueryError
    try:
        saved = get_query(name)
        store = _store(endpoint)
        result = run_saved_query(store, saved, _params(params))
    except (ParameterError, FrontMatterError, QueryError) as e:
        fail(str(e))
    _emit(result, fmt, store)


@main.command()
@click.argument("text", required=False)
@click.option("--file", "-f", "file", type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help="Read the query from a file, as UTF-8 ('-' for standard input).")
@format_option
@endpoint_option
def sparql(text: str | None, file, fmt: str, endpoint: str | None) -> None:
    """Run an ad-hoc SPARQL query (TEXT, --file F, or standard input; TEXT '-' reads it too).

    The store's prefixes (pkg:, eli:, skos:, body:, legal: …) are declared for you.
    """
    from .store import QueryError
    if text is not None and file is not None:
        fail("give the query as TEXT or --file, not both")
    if text is None or text == "-":
        text = _file_text(file) if file is not None and file != "-" else _stdin_text()
    if not text.strip():
        fail("no query: give TEXT, --file F, or a query on standard input")
    store = _store(endpoint) if endpoint else _ad_hoc_store()
    try:
        result = store.run(text)
    except QueryError as e:
        fail(f"query: {e}")
    finally:
        if not endpoint:
            store.close()
    _emit(result, fmt, store)


def _ad_hoc_store():
    """The embedded store in a worker that cannot open a socket: a query is anyone's text."""
    from .isolated import IsolatedStore
    from .store import corpus_files
    from .corpus import Corpus
    corpus = Corpus()
    files, graphs = corpus_files(corpus)
    try:
        return IsolatedStore(files, workers=1, graphs=graphs, path=corpus.store_path(files, graphs))
    except RuntimeError as e:
        fail(str(e))


def _file_text(path: str) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        fail(f"{path}: cannot read: {e.strerror or e}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        fail(f"{path}:{line}: byte {e.start} is not UTF-8; queries are read as UTF-8")


def _stdin_text() -> str:
    raw = sys.stdin.buffer.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"standard input: byte {e.start} is not UTF-8; queries are read as UTF-8")


corpus_option = click.option("--corpus", "folder", type=click.Path(file_okay=False, path_type=Path),
                             help="The corpus folder (default: $POLICYKG_CORPUS, or ~/.local/share/policykg/corpus).")


answers_option = click.option("--no-answers", "no_answers", is_flag=True,
                               help="Do not answer the saved queries that need no parameter after bringing a large "
                                    "corpus's store up to date (their first visitor then waits for them).")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--id", "id_", metavar="ID", help="The notice's id (default: from its document number, or the file name).")
@click.option("--jurisdiction", metavar="CODE", help="GB/T 2260 code of the issuer's jurisdiction, e.g. 620700.")
@click.option("--title", help="The notice's title, where its text has none.")
@click.option("--replace", is_flag=True, help="Replace a notice (or registry) already in the corpus under the same id.")
@click.option("--registry", "registries", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A registry file of more bodies (Turtle, like data/registry/bodies.ttl), kept in the "
                   "corpus for this and every later ingest and served beside the shipped registries; repeatable.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes extracting and validating notices at once (default: one per core "
                   "this process may use); the notices are added in the order given either way.")
@answers_option
@corpus_option
def ingest(files: tuple[Path, ...], id_: str | None, jurisdiction: str | None, title: str | None,
           replace: bool, registries: tuple[Path, ...], jobs: int | None, no_answers: bool,
           folder: Path | None) -> None:
    """Add notices to the corpus: copy, extract, validate, store as a named graph.

    Each file is added whole or not at all; a failure leaves the corpus as it was. A folder
    stands for the .txt files in it, by name.
    """
    from .corpus import Corpus, CorpusError
    from .registry import RegistryError
    files = tuple(f for path in files for f in (sorted(path.glob("*.txt")) if path.is_dir() else [path]))
    if not files:
        fail("no .txt files in the folders given")
    if id_ is not None and len(files) > 1:
        fail("--id names one notice; give one file with it")
    corpus = Corpus(folder)
    for path in registries:
        try:
            added = corpus.add_registry(path, replace=replace)
        except (CorpusError, RegistryError) as e:
            fail(str(e))
        click.echo(f"{path}: registry {'added' if added else 'unchanged (the same bytes are already there)'}")
    failed = 0
    # registries, law texts and shapes are loaded once per process, and notices are validated in
    # batches (Corpus.ingest_many), in worker processes where there are enough of them
    jobs = jobs or len(os.sched_getaffinity(0))
    done_all = corpus.ingest_many(files, id=id_, jurisdiction=jurisdiction, title=title, replace=replace,
                                  jobs=jobs)
    with click.progressbar(done_all, length=len(files), label="ingesting", file=sys.stderr,
                           show_pos=True) if len(files) > 2 else contextlib.nullcontext(done_all) as bar:
        for path, done in _stopping_on(CorpusError, bar):
            if isinstance(done, Exception):
                click.echo(f"\npolicykg: {done}", err=True)
                failed += 1
                continue
            entry = done.entry
            state = "added" if done.changed else "unchanged (the same bytes are already there)"
            click.echo(f"{path}: {entry.id} {state}: {entry.measures} measures, {entry.bodies} bodies, "
                       f"{len(entry.warnings)} warnings")
    _refresh_store(corpus, answers=not no_answers)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


def _stopping_on(error: type[Exception], items):
    """`items`, ended by a message and exit 2 where iterating raises `error` (an ingest that
    cannot go on: what it added before stays)."""
    try:
        yield from items
    except error as e:
        fail(str(e))


def _refresh_store(corpus, answers: bool = True) -> None:
    """Bring a large corpus's on-disk store up to date now, so that no server start pays for it,
    with its measures' texts for search (texts.py) and the answers of the saved queries that
    need no parameter, so that no visitor waits for them."""
    import time

    from .answers import warm
    from .store import EmbeddedStore, corpus_files
    from .texts import write as keep_texts
    files, graphs = corpus_files(corpus)
    path = corpus.store_path(files, graphs)
    if path is not None:
        click.echo(f"store: {path}")
        store = EmbeddedStore(files, graphs, path=path)
        started = time.perf_counter()
        keep_texts(store, path)
        click.echo(f"texts: the measures' titles and texts kept for search in {time.perf_counter() - started:.1f} s")
        if not answers:
            return
        done, seconds = warm(store)
        click.echo(f"answers: {done} saved-query answers computed ahead in {seconds:.1f} s")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@corpus_option
def documents(fmt: str, folder: Path | None) -> None:
    """List the notices in the corpus."""
    from dataclasses import asdict

    from .corpus import Corpus
    from .results import ResultSet, Term, to_table
    entries = Corpus(folder).entries()
    if fmt == "json":
        click.echo(json.dumps([asdict(e) | {"graph": e.graph} for e in entries], ensure_ascii=False, indent=1))
        return
    columns = ["id", "title", "number", "issuer", "date", "measures", "bodies", "warnings"]
    rows = [tuple(Term("literal", str(v)) if v is not None else None for v in
                  (e.id, e.title, e.number, e.issuer, e.date, e.measures, e.bodies, len(e.warnings)))
            for e in entries]
    click.echo(to_table(ResultSet(columns, rows)), nl=False)


@main.command()
@click.argument("id_", metavar="ID")
@answers_option
@corpus_option
def remove(id_: str, no_answers: bool, folder: Path | None) -> None:
    """Remove a notice from the corpus."""
    from .corpus import Corpus, CorpusError
    try:
        corpus = Corpus(folder)
        entry = corpus.remove(id_)
    except CorpusError as e:
        fail(str(e))
    click.echo(f"removed {entry.id} ({entry.title})")
    _refresh_store(corpus, answers=not no_answers)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"]), default="ttl",
              show_default=True, help="nq and trig keep the named graphs (one per notice of the corpus).")
@click.option("--gzip", "gzip_", is_flag=True, help="Compress (gzip, no time stamp: the same data gives the same bytes).")
@click.option("--output", "-o", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (atomically: a temporary file renamed into place); default standard output.")
@corpus_option
def export(fmt: str, gzip_: bool, out: Path | None, folder: Path | None) -> None:
    """Export the whole dataset (ontology, registries, data, laws, linksets, the corpus) in one format."""
    import hashlib

    from .corpus import Corpus, CorpusError
    from .pipeline import same_file
    from .dataset import export as export_data, write_export
    from .store import default_files
    try:
        corpus = Corpus(folder)
        files = default_files(corpus)
    except CorpusError as e:
        fail(str(e))
    if out is not None:
        clash = next((f for f in files if same_file(out, Path(f))), None)
        if clash is not None:
            fail(f"--output {out} is an input of the dataset ({clash}): choose another file")
        if not out.parent.is_dir():
            fail(f"--output {out}: the folder {out.parent} does not exist")
    from .store import open_store
    store = open_store(corpus=corpus)
    data = export_data(store, fmt, gzip=gzip_)
    if out is None:
        if gzip_ and sys.stdout.isatty():
            fail("refusing to write gzip data to a terminal: give --output FILE or redirect standard output")
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        write_export(data, out)
    except OSError as e:
        fail(f"--output {out}: {e.strerror or e}")
    click.echo(f"wrote {out} ({len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()})", err=True)


host_option = click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
port_option = click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))


def check_port(host: str, port: int) -> None:
    """Fail with a message naming the setting if host:port cannot be listened on."""
    import socket
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        fail(f"--host {host}: cannot resolve it ({e.strerror})")
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # as waitress will listen: reusing an address left in TIME_WAIT is not "busy"
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as e:
            fail(f"cannot listen on {host}:{port}: {e.strerror or e}; another server is probably using it. "
                 f"Choose another port with --port (e.g. `policykg run --port {port + 1}`, "
                 f"or `make run PORT={port + 1}`)")


def _serve(host: str, port: int, endpoint: str | None = None, server: str = "granian") -> None:
    from .web.serving import StartError, checked_app, serve_granian
    check_port(host, port)
    if server == "granian":
        try:
            import granian  # noqa: F401
        except ImportError:
            fail("--server granian: granian is not installed (pip install granian), or use --server waitress")
    config = {"SPARQL_ISOLATE": True, "ENDPOINT": endpoint}
    source = f"; data from {endpoint}" if endpoint else ""
    announce = f"serving on http://{host}:{port}/ with {server} (SPARQL: /sparql{source}; Ctrl-C stops)"
    try:
        if server == "granian":
            serve_granian(config, host, port, announce)     # the app is built in granian's worker, once
            return
        app = checked_app(config)
    except StartError as e:     # a query worker or an endpoint that cannot start: say why
        fail(str(e))
    click.echo(announce)
    import waitress

    from .web import waitress_options
    waitress.serve(app, host=host, port=port, threads=4, **waitress_options(app))


server_option = click.option(
    "--server", type=click.Choice(["granian", "waitress"]), default="granian", show_default=True,
    help="The HTTP server: granian (Rust) answers cached requests several times faster than waitress "
         "(README, Performance); waitress is pure Python.")


@main.command()
@host_option
@port_option
@click.option("--endpoint", metavar="URL",
              help="Serve from this SPARQL 1.1 endpoint (its default graph the union of the notices; "
                   "see `policykg publish`) instead of the embedded store.")
@server_option
def serve(host: str, port: int, endpoint: str | None, server: str) -> None:
    """Serve the pages, saved queries, linked data and /sparql with granian (or waitress)."""
    _serve(host, port, endpoint, server)


@main.command()
@click.option("--endpoint", metavar="URL", required=True, help="The store's SPARQL query URL.")
@click.option("--gsp", metavar="URL", help="Its Graph Store Protocol URL (default: derived from the "
                                           "query URL for Oxigraph, Fuseki and Virtuoso).")
@click.option("--backend", type=click.Choice(["auto", "oxigraph", "fuseki", "virtuoso", "generic"]),
              default="auto", show_default=True, help="The server, where the URL's shape does not tell.")
@click.option("--dry-run", is_flag=True, help="List what would change (graph sizes compared) and send nothing.")
@click.option("--prune", is_flag=True, help="Delete the store's notice graphs that are no longer in the corpus.")
@click.option("--corpus", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="The corpus folder (default: $POLICYKG_CORPUS or ~/.local/share/policykg/corpus).")
@click.option("--jobs", type=click.IntRange(1, 16), default=2, show_default=True,
              help="PUTs in flight at once (a store that ingests graphs in parallel may take more).")
def publish(endpoint: str, gsp: str | None, backend: str, dry_run: bool, prune: bool, folder: Path | None,
            jobs: int) -> None:
    """Write every notice's named graph and the shared graph to a triplestore (Graph Store
    Protocol, one PUT per graph: a re-publish replaces, never duplicates). The graphs are
    read out one at a time, so memory stays bounded whatever the corpus. Where the store's
    default graph counts a triple once per graph holding it (the Oxigraph server 0.5,
    Virtuoso 7.2), their merge is sent as a graph of its own too, and read as the default.

    Credentials come from POLICYKG_ENDPOINT_USER and POLICYKG_ENDPOINT_PASSWORD (HTTP basic
    or digest auth), never from the command line. Exit 3 when the store refuses a graph: the
    graphs written before it are complete."""
    from .corpus import Corpus, store_key, store_state
    from .publish import PublishError, publish as publish_graphs
    from .remote import dialect_for
    from .store import QueryError, RemoteStore, corpus_files, open_store
    try:
        RemoteStore(endpoint)
        if gsp is not None:
            RemoteStore(gsp)                  # the same check: an http(s) URL
        dialect = dialect_for(endpoint, backend)
    except (QueryError, ValueError) as e:
        fail(str(e))
    gsp = gsp or dialect.gsp_url(endpoint)
    if gsp is None:
        fail(f"cannot tell the Graph Store Protocol URL of {endpoint}; give it with --gsp URL")
    try:
        corpus = Corpus(folder)
        store = open_store(corpus=corpus)
        # the data's version, left in the store for servers reading it: the same files, the same one
        version = store_key(store_state(*corpus_files(corpus)))
    except QueryError as e:
        fail(str(e))
    click.echo(f"{'would publish' if dry_run else 'publishing'} to {gsp} ({dialect.name})")
    try:
        changes = publish_graphs(store, endpoint, gsp, dialect, dry_run=dry_run, prune=prune, report=click.echo,
                                 workers=jobs, version=version)
    except PublishError as e:
        fail(str(e), EXIT_REMOTE)
    sent = sum(1 for c in changes if c.triples is not None)
    click.echo(f"{sent} graphs {'to send' if dry_run else 'sent'}, "
               f"{sum(1 for c in changes if c.triples is None)} stale in the store")


@main.command()
@source_option
@out_option
@click.option("--no-serve", is_flag=True, help="Stop after building and validating.")
@host_option
@port_option
@server_option
def run(source: Path | None, out: Path | None, no_serve: bool, host: str, port: int, server: str) -> None:
    """Build and validate the graph, print its summary, then serve it."""
    from .summary import summarize
    if not no_serve:
        check_port(host, port)          # before the build: a busy port should not cost a rebuild first
    result = _build(source, out, True)
    print_warnings(result.warnings)
    report = result.report
    click.echo(f"validation: {'conforms' if report.conforms else 'does NOT conform'} "
               f"({len(report.violations)} violations, {len(report.warnings)} warnings)")
    print_summary(summarize(result.graph), result.written_files)
    if not no_serve:
        _serve(host, port, server=server)


if __name__ == "__main__":
    main()
