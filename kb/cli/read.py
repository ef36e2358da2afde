"""`kb query`, `kb stats`, `kb export`, `kb audit` and `kb serve`: the commands that read the KB."""

import sys

import click

from kb import formats
from kb.cli.common import STORE, fail, load_settings
from kb.errors import KBError
from kb.interchange import audit as auditing
from kb.interchange import exports
from kb.knowledge import KnowledgeBase


@click.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for more.")
@click.option("--format", "fmt", default="table",
              type=click.Choice(["table", *(f.name for f in formats.RESULTS)]))
@STORE
def query(name, params, fmt, store):
    """Run the named query NAME (or a path to a .rq file) and print its answer."""
    values = {}
    for item in params:
        key, eq, value = item.partition("=")
        if not eq:
            fail(KBError(f"--param {item!r}: expected KEY=VALUE"))
        values[key] = value
    try:
        kb = KnowledgeBase.open(load_settings(store))
        answer = kb.run(kb.catalogue.get(name), values)
    except KBError as exc:
        fail(exc)
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


@click.command()
@STORE
def stats(store):
    """Print the KB's counts of claims, conditions, studies and triples."""
    try:
        counts = KnowledgeBase.open(load_settings(store)).stats()
    except KBError as exc:
        fail(exc)
    for key, value in counts.items():
        click.echo(f"{key:>12}  {value}")


@click.command()
@click.option("--format", "fmt", type=click.Choice([*formats.RDF, *exports.EXPORTS]), default="turtle",
              help="An RDF format, or bibtex|ris|csljson (studies), nanopub (TriG) or claims-csv.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: stdout).")
@STORE
def export(fmt, output, store):
    """Write the whole KB in an RDF format, its studies for reference managers, or its claims."""
    try:
        kb = KnowledgeBase.open(load_settings(store))
        data = exports.export(kb, fmt) if fmt in exports.EXPORTS else kb.export(fmt)
    except KBError as exc:
        fail(exc)
    if output:
        with open(output, "wb") as fh:
            fh.write(data)
    else:
        sys.stdout.buffer.write(data)


@click.command()
@click.option("--host", default=None, help="Address to bind (default $KB_HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default $KB_PORT or 5000).")
@STORE
@click.option("--dev", is_flag=True, help="Flask's debug server instead of waitress.")
def serve(host, port, store, dev):
    """Serve the web app and the SPARQL endpoint."""
    from webapp import create_app

    settings = load_settings(store)
    host = host or settings.host
    port = port or settings.port
    app = create_app({"STORE": settings.store})
    click.echo(f"serving the KB on http://{host}:{port}/", err=True)
    if dev:
        app.run(host=host, port=port, debug=True)
    else:
        import waitress

        # channel_request_lookahead lets waitress notice a client that gave up, so the
        # SPARQL endpoint can kill the query it was waiting for.
        # Idle connections are closed after a few seconds and the connection limit is far above the
        # threads, so idle or slow clients cannot hold every thread (README: behind a proxy).
        # Behind a reverse proxy ($KB_TRUSTED_PROXY), the client a query is counted against is the
        # X-Forwarded-For that proxy sets; from any other peer the header is dropped, never believed.
        proxy = {"trusted_proxy": settings.trusted_proxy, "trusted_proxy_count": 1,
                 "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto x-forwarded-host"}
        waitress.serve(app, host=host, port=port, threads=settings.threads, ident="kb",
                       clear_untrusted_proxy_headers=True, channel_request_lookahead=1,
                       connection_limit=1000, channel_timeout=10, cleanup_interval=2,
                       **(proxy if settings.trusted_proxy else {}))


@click.command()
@click.option("--source", "source", metavar="ID",
              help="Only this source document: its slug, src:SLUG or IRI (default: every source).")
@click.option("--format", "fmt", type=click.Choice(list(auditing.RENDERERS)), default="text")
@STORE
def audit(source, fmt, store):
    """Print the audit of the article: unsourced, unverified, overstated, changed numbers and more."""
    try:
        kb = KnowledgeBase.open(load_settings(store))
        if source and not kb.rows("source", source=auditing.source_iri(source)):
            raise KBError(f"no source document {source!r} in the KB; `kb query source` lists them")
        report = auditing.build(kb, source)
    except KBError as exc:
        fail(exc)
    click.echo(auditing.RENDERERS[fmt](report), nl=False)
