"""The `kb` command line: build, validate, query, stats, export, serve."""

import sys

import click

from . import build as builder
from . import exports
from . import settings as config
from .errors import KBError, ValidationFailed
from .knowledge import KnowledgeBase
from .results import RDF_FORMATS, RESULT_FORMATS

STORE_HELP = "oxigraph:PATH or sparql:QUERY_URL[,update=URL][,gsp=URL] (default: $KB_STORE)"


def _settings(store=None):
    values = config.defaults()
    if store:
        values["STORE"] = store
    return values


def _fail(exc):
    """Print a KB error for a person and exit non-zero."""
    if isinstance(exc, ValidationFailed):
        click.echo(f"validation failed: {len(exc.problems)} problem(s)", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="ketamine-evidence-kb")
def main():
    """Evidence knowledge base linking an article's claims to the studies behind them."""


@main.command()
@click.option("--store", help=STORE_HELP)
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option("--shacl/--no-shacl", default=True,
              help="Validate with the SHACL shapes (default). --no-shacl is for bulk loads of "
                   "generated data; syntax, quotes and check queries still run.")
def build(store, quiet, shacl):
    """Validate ontology/ and data/ and load them into the store atomically."""
    values = _settings(store)
    try:
        info = builder.build(values["STORE"], values["DATA_DIRS"].split(config.os.pathsep),
                             values["SHAPES"], values["QUERIES_DIR"], verbose=not quiet, shacl=shacl)
    except KBError as exc:
        _fail(exc)
    click.echo(f"built {info['build']}: {info['triples']} triples from "
               f"{len(info['files'])} files in {info['seconds']} s")


@main.command()
def validate():
    """Run every check of the build without loading anything."""
    values = _settings()
    try:
        info = builder.validate(values["DATA_DIRS"].split(config.os.pathsep), values["SHAPES"],
                                values["QUERIES_DIR"])
    except KBError as exc:
        _fail(exc)
    click.echo(f"valid: {info['files']} files, {info['triples']} triples")


@main.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for more.")
@click.option("--format", "fmt", type=click.Choice(["table", *RESULT_FORMATS]), default="table")
@click.option("--store", help=STORE_HELP)
def query(name, params, fmt, store):
    """Run the named query NAME (or a path to a .rq file) and print its answer."""
    values = {}
    for item in params:
        key, eq, value = item.partition("=")
        if not eq:
            _fail(KBError(f"--param {item!r}: expected KEY=VALUE"))
        values[key] = value
    try:
        kb = KnowledgeBase.from_settings(_settings(store))
        answer = kb.run(kb.catalogue.get(name), values)
    except KBError as exc:
        _fail(exc)
    if isinstance(answer, bool):
        click.echo("true" if answer else "false")
    elif isinstance(answer, list):
        click.echo("\n".join(str(t) + " ." for t in answer))
    elif fmt == "table":
        _print_table(answer)
    else:
        sys.stdout.buffer.write(answer.serialize(fmt))


def _print_table(rows):
    from rich.console import Console
    from rich.table import Table

    table = Table(*rows.columns, show_lines=False)
    for row in rows.rows:
        table.add_row(*("" if row[c] is None else str(row[c]) for c in rows.columns))
    Console(width=200).print(table)
    click.echo(f"{len(rows.rows)} row(s){' (truncated at the row limit)' if rows.truncated else ''}")


@main.command()
@click.option("--store", help=STORE_HELP)
def stats(store):
    """Print the KB's counts of claims, conditions, studies and triples."""
    try:
        counts = KnowledgeBase.from_settings(_settings(store)).stats()
    except KBError as exc:
        _fail(exc)
    for key, value in counts.items():
        click.echo(f"{key:>12}  {value}")


@main.command()
@click.option("--format", "fmt", type=click.Choice([*RDF_FORMATS, *exports.EXPORTS]), default="turtle",
              help="An RDF format, or bibtex|ris|csljson (studies), nanopub (TriG) or claims-csv.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: stdout).")
@click.option("--store", help=STORE_HELP)
def export(fmt, output, store):
    """Write the whole KB in an RDF format, its studies for reference managers, or its claims."""
    try:
        kb = KnowledgeBase.from_settings(_settings(store))
        data = exports.export(kb, fmt) if fmt in exports.EXPORTS else kb.export(fmt)
    except KBError as exc:
        _fail(exc)
    if output:
        with open(output, "wb") as fh:
            fh.write(data)
    else:
        sys.stdout.buffer.write(data)


@main.command()
@click.option("--host", default=None, help="Address to bind (default $KB_HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default $KB_PORT or 5000).")
@click.option("--store", help=STORE_HELP)
@click.option("--dev", is_flag=True, help="Flask's debug server instead of waitress.")
def serve(host, port, store, dev):
    """Serve the web app and the SPARQL endpoint."""
    from webapp import create_app

    values = _settings(store)
    host = host or values["HOST"]
    port = port or values["PORT"]
    app = create_app({"STORE": values["STORE"]})
    click.echo(f"serving the KB on http://{host}:{port}/", err=True)
    if dev:
        app.run(host=host, port=port, debug=True)
    else:
        import waitress

        # channel_request_lookahead lets waitress notice a client that gave up, so the
        # SPARQL endpoint can kill the query it was waiting for.
        waitress.serve(app, host=host, port=port, threads=int(values["THREADS"]),
                       ident="kb", clear_untrusted_proxy_headers=True, channel_request_lookahead=1)


from . import cli_extra  # noqa: E402  (last: it uses the helpers above)

cli_extra.register(main)  # kb audit, kb import
