"""`kb audit` and `kb import`: the audit of a source's claims, and studies from PubMed or BibTeX."""

import json

import click

from . import audit as auditing
from . import importers
from . import settings as config
from .cli import STORE_HELP, _fail, _settings
from .errors import KBError, ValidationFailed
from .knowledge import KnowledgeBase


@click.command()
@click.option("--source", "source", metavar="ID",
              help="Only this source document: its slug, src:SLUG or IRI (default: every source).")
@click.option("--format", "fmt", type=click.Choice(list(auditing.RENDERERS)), default="text")
@click.option("--store", help=STORE_HELP)
def audit(source, fmt, store):
    """Print the audit of the article: unsourced, unverified, overstated, changed numbers and more."""
    try:
        kb = KnowledgeBase.from_settings(_settings(store))
        if source and not kb.rows("source", source=auditing.source_iri(source)):
            raise KBError(f"no source document {source!r} in the KB; `kb query source` lists them")
        report = auditing.build(kb, source)
    except KBError as exc:
        _fail(exc)
    click.echo(auditing.RENDERERS[fmt](report), nl=False)


@click.group(name="import")
def import_():
    """Create or update study records from a bibliographic file."""


def _run_import(kind, path, prefer_import, as_json):
    values = config.defaults()
    try:
        summary = importers.run(kind, path, values["DATA_DIRS"].split(config.os.pathsep), values["SHAPES"],
                                values["QUERIES_DIR"], prefer_import=prefer_import)
    except ValidationFailed as exc:
        click.echo(f"import refused: the data would not pass `kb validate`; nothing was written ({path})",
                   err=True)
        _fail(exc)
    except KBError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    updated = {a["study"] for a in summary["added"]} | {r["study"] for r in summary["replaced"]}
    click.echo(f"{path}: {summary['entries']} entries: {len(summary['new'])} new, {len(updated)} updated, "
               f"{len(summary['unchanged'])} unchanged")
    for item in summary["new"]:
        design = item["design"].rsplit("/", 1)[-1]
        click.echo(f"  new      {item['study']}  ({item['entry']}, design {design})")
    for item in summary["added"]:
        click.echo(f"  added    {item['study']}  {item['property']} = {item['value']!r}")
    for item in summary["replaced"]:
        click.echo(f"  replaced {item['study']}  {item['property']}: "
                   f"{item['curated']!r} -> {item['imported']!r}")
    for written in summary["written"]:
        click.echo(f"wrote {written}; run `kb build` to load it")
    if not summary["written"]:
        click.echo("nothing to change")


PREFER = click.option("--prefer-import", is_flag=True,
                      help="Replace curated values that differ (default: report the conflicts and stop).")
AS_JSON = click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
FILE = click.argument("path", type=click.Path(dir_okay=False))


@import_.command()
@FILE
@PREFER
@AS_JSON
def pubmed(path, prefer_import, as_json):
    """Import the studies of a PubMed XML file (PubmedArticleSet)."""
    _run_import("pubmed", path, prefer_import, as_json)


@import_.command()
@FILE
@PREFER
@AS_JSON
def bibtex(path, prefer_import, as_json):
    """Import the studies of a BibTeX file."""
    _run_import("bibtex", path, prefer_import, as_json)


def register(group):
    """Add these commands to the `kb` group."""
    group.add_command(audit)
    group.add_command(import_)

