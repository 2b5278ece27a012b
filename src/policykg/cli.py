"""The `policykg` command: a thin layer over the library API.

Exit codes: 0 success, 1 the graph does not conform or the data is stale,
2 bad input (malformed text, RDF or parameters).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .pipeline import BuildError, BuildResult, atomic_write, build as build_graph, check as check_output
from . import resources
from .extract import ExtractError
from .registry import RegistryError
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


def _build(source: Path | None, out: Path | None, validate: bool) -> BuildResult:
    try:
        return build_graph(source, out, validate=validate)
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
def build(source: Path | None, out: Path | None, check: bool, no_validate: bool) -> None:
    """Extract the graph from a notice and write it as sorted Turtle."""
    if check:
        try:
            same, result = check_output(source, out)
        except (ExtractError, RegistryError) as e:
            fail(str(e))
        target = out or resources.default_output()
        if not same:
            fail(f"{target} is stale: run `policykg build` and commit the result", EXIT_INVALID)
        click.echo(f"{target} is up to date")
        return
    result = _build(source, out, not no_validate)
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
def reason(file: Path | None, export: Path | None) -> None:
    """Run HermiT over a graph (default: data/measures.ttl) with the ontology.

    Reports consistency, unsatisfiable classes and what was inferred; exits 1
    if the graph is inconsistent or a class is unsatisfiable.
    """
    from .reason import ReasonerUnavailable, reason_file
    try:
        report = reason_file(file or resources.default_output())
    except InputError as e:
        fail(str(e))
    except ReasonerUnavailable as e:
        fail(str(e))
    click.echo(report.text())
    if export is not None and report.consistent:
        atomic_write(export, report.export())
        click.echo(f"wrote {export}")
    sys.exit(0 if report.consistent and not report.unsatisfiable else EXIT_INVALID)


@main.command()
@source_option
@out_option
def run(source: Path | None, out: Path | None) -> None:
    """Build and validate the graph, then print its summary."""
    result = _build(source, out, True)
    print_warnings(result.warnings)
    report = result.report
    click.echo(f"validation: {'conforms' if report.conforms else 'does NOT conform'} "
               f"({len(report.violations)} violations, {len(report.warnings)} warnings)")
    print_summary(summarize(result.graph), result.written)


if __name__ == "__main__":
    main()
