"""The `policykg` command: a thin layer over the library API.

Exit codes: 0 success, 1 the graph does not conform or the data is stale,
2 bad input (malformed text, RDF or parameters).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .pipeline import BuildError, BuildResult, atomic_write, build as build_graph, check as check_output
from . import resources
from .extract import ExtractError
from .registry import RegistryError, load_registry
from .results import FORMATS, render
from .summary import summarize
from .validate import InputError, validate_file

EXIT_INVALID = 1
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(f"policykg: {message}", err=True)
    sys.exit(code)


def print_warnings(warnings: list[str]) -> None:
    for w in warnings:
        click.echo(w, err=True)


def print_summary(counts: dict[str, int], out: Path | None) -> None:
    if out is not None:
        click.echo(f"wrote {out}")
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
                          help="Turtle output (default: data/measures.ttl).")


jurisdiction_option = click.option(
    "--jurisdiction", metavar="CODE",
    help="GB/T 2260 code of the notice's division (e.g. 310000); default: read from its header.")
registry_option = click.option(
    "--registry", "extra", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
    help="More registry bodies (Turtle, like data/registry/bodies.ttl); repeatable.")


def _registry(extra: tuple[Path, ...]):
    try:
        return load_registry(extra=list(extra)) if extra else None
    except (RegistryError, ValueError, SyntaxError) as e:
        fail(str(e))
    except FileNotFoundError as e:
        fail(f"{e.filename}: no such file")


def _build(source: Path | None, out: Path | None, validate: bool, jurisdiction: str | None = None,
           extra: tuple[Path, ...] = ()) -> BuildResult:
    registry = _registry(extra)
    try:
        return build_graph(source, out, validate=validate, registry=registry, jurisdiction=jurisdiction)
    except ValueError as e:
        if "jurisdiction" not in str(e):
            raise
        fail(str(e))
    except (ExtractError, RegistryError, InputError) as e:
        fail(str(e))
    except FileNotFoundError as e:
        fail(f"{e.filename}: no such file")
    except BuildError as e:
        fail(str(e), EXIT_INVALID)


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
    """Extract the graph from a notice and write it as sorted Turtle."""
    if check:
        try:
            same, result = check_output(source, out, registry=_registry(extra), jurisdiction=jurisdiction)
        except (ExtractError, RegistryError, ValueError) as e:
            fail(str(e))
        target = out or resources.default_output()
        if not same:
            fail(f"{target} is stale: run `policykg build` and commit the result", EXIT_INVALID)
        click.echo(f"{target} is up to date")
        return
    result = _build(source, out, not no_validate, jurisdiction, extra)
    print_warnings(result.warnings)
    print_summary(summarize(result.graph), result.written)


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text",
              show_default=True, help="Report format.")
def validate(file: Path | None, fmt: str) -> None:
    """Validate a Turtle file (default: data/measures.ttl) against the SHACL shapes.

    Exits 1 if there is any violation; warnings are reported but pass.
    """
    try:
        report = validate_file(file or resources.default_output())
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
def reason(file: Path | None, export: Path | None, engine: str) -> None:
    """Run HermiT over a graph (default: data/measures.ttl) with the ontology.

    Reports consistency, unsatisfiable classes and what was inferred; exits 1
    if the graph is inconsistent or a class is unsatisfiable.
    """
    from .reason import ReasonerUnavailable, reason_file
    try:
        report = reason_file(file or resources.default_output(), engine)
    except InputError as e:
        fail(str(e))
    except ReasonerUnavailable as e:
        fail(str(e))
    click.echo(report.text())
    if export is not None and report.consistent:
        atomic_write(export, report.export())
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
@click.option("--file", "-f", "file", type=click.File("r", encoding="utf-8"),
              help="Read the query from a file ('-' for standard input).")
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
        text = file.read() if file is not None else _stdin_text()
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
    from .store import default_files
    from .corpus import Corpus
    corpus = Corpus()
    files, graphs = default_files(corpus), corpus.named_graphs()
    try:
        return IsolatedStore(files, workers=1, graphs=graphs, path=corpus.store_path(files, graphs))
    except RuntimeError as e:
        fail(str(e))


def _stdin_text() -> str:
    raw = sys.stdin.buffer.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"standard input: byte {e.start} is not UTF-8; queries are read as UTF-8")


corpus_option = click.option("--corpus", "folder", type=click.Path(file_okay=False, path_type=Path),
                             help="The corpus folder (default: $POLICYKG_CORPUS, or ~/.local/share/policykg/corpus).")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "id_", metavar="ID", help="The notice's id (default: from its document number, or the file name).")
@click.option("--jurisdiction", metavar="CODE", help="GB/T 2260 code of the issuer's jurisdiction, e.g. 620700.")
@click.option("--title", help="The notice's title, where its text has none.")
@click.option("--replace", is_flag=True, help="Replace a notice already in the corpus under the same id.")
@corpus_option
def ingest(files: tuple[Path, ...], id_: str | None, jurisdiction: str | None, title: str | None,
           replace: bool, folder: Path | None) -> None:
    """Add notices to the corpus: copy, extract, validate, store as a named graph.

    Each file is added whole or not at all; a failure leaves the corpus as it was.
    """
    from .corpus import Corpus, CorpusError
    if id_ is not None and len(files) > 1:
        fail("--id names one notice; give one file with it")
    corpus = Corpus(folder)
    failed = 0
    with click.progressbar(files, label="ingesting", file=sys.stderr,
                           show_pos=True) if len(files) > 2 else _plain(files) as bar:
        for path in bar:
            try:
                done = corpus.ingest(path, id=id_, jurisdiction=jurisdiction, title=title, replace=replace)
            except (CorpusError, ExtractError, RegistryError, InputError) as e:
                click.echo(f"\npolicykg: {e}", err=True)
                failed += 1
                continue
            except BuildError as e:
                click.echo(f"\npolicykg: {e}", err=True)
                failed += 1
                continue
            entry = done.entry
            state = "added" if done.changed else "unchanged (the same bytes are already there)"
            click.echo(f"{path}: {entry.id} {state}: {entry.measures} measures, {entry.bodies} bodies, "
                       f"{len(entry.warnings)} warnings")
    if failed:
        sys.exit(EXIT_BAD_INPUT)


class _plain:
    """A context that iterates without a progress bar (one or two files)."""

    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


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
@corpus_option
def remove(id_: str, folder: Path | None) -> None:
    """Remove a notice from the corpus."""
    from .corpus import Corpus, CorpusError
    try:
        entry = Corpus(folder).remove(id_)
    except CorpusError as e:
        fail(str(e))
    click.echo(f"removed {entry.id} ({entry.title})")


host_option = click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
port_option = click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))


def _serve(host: str, port: int) -> None:
    import waitress

    from .web import create_app, waitress_options
    try:
        app = create_app({"SPARQL_ISOLATE": True})
    except RuntimeError as e:                 # a query worker that cannot start: say why, no traceback
        fail(str(e))
    click.echo(f"serving on http://{host}:{port}/ (SPARQL: /sparql; Ctrl-C stops)")
    waitress.serve(app, host=host, port=port, threads=4, **waitress_options(app))


@main.command()
@host_option
@port_option
def serve(host: str, port: int) -> None:
    """Serve the pages, saved queries, linked data and /sparql with waitress."""
    _serve(host, port)


@main.command()
@source_option
@out_option
@click.option("--no-serve", is_flag=True, help="Stop after building and validating.")
@host_option
@port_option
def run(source: Path | None, out: Path | None, no_serve: bool, host: str, port: int) -> None:
    """Build and validate the graph, print its summary, then serve it."""
    result = _build(source, out, True)
    print_warnings(result.warnings)
    report = result.report
    click.echo(f"validation: {'conforms' if report.conforms else 'does NOT conform'} "
               f"({len(report.violations)} violations, {len(report.warnings)} warnings)")
    print_summary(summarize(result.graph), result.written)
    if not no_serve:
        _serve(host, port)


if __name__ == "__main__":
    main()
