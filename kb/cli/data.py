"""`kb build`, `kb validate` and `kb import`: the commands that check data and write it."""

import json
import os

import click

from kb import build as builder
from kb.cli.common import STORE, fail, load_settings
from kb.errors import KBError, ValidationFailed
from kb.interchange import importers


@click.command()
@STORE
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option("--shacl/--no-shacl", default=True,
              help="Validate with the SHACL shapes (default). --no-shacl is for bulk loads of "
                   "generated data; syntax, quotes and check queries still run.")
@click.option("--nice", type=click.IntRange(0, 19), default=10, show_default=True,
              help="How far the build steps back for other work on this machine (os.nice): a site "
                   "served from the same cores keeps answering while it builds.")
def build(store, quiet, shacl, nice):
    """Validate ontology/ and data/ and load them into the store atomically."""
    os.nice(nice)
    settings = load_settings(store)
    try:
        info = builder.build(settings.store, settings.data_dirs_list, settings.shapes,
                             settings.queries_dir, verbose=not quiet, shacl=shacl)
    except KBError as exc:
        fail(exc)
    if "resumed" in info:
        click.echo(f"resumed the unfinished upload of {info['resumed']['build']}: "
                   f"{info['resumed']['skipped']} chunks were already on the server")
    switch = info["stages"].get("switch")
    click.echo(f"built {info['build']}: {info['triples']} triples from "
               f"{len(info['files'])} files in {info['seconds']} s"
               + (f" (readers switched in {switch} s)" if switch is not None else ""))


@click.command()
def validate():
    """Run every check of the build without loading anything."""
    settings = load_settings()
    try:
        info = builder.validate(settings.data_dirs_list, settings.shapes, settings.queries_dir)
    except KBError as exc:
        fail(exc)
    click.echo(f"valid: {info['files']} files, {info['triples']} triples")


@click.group(name="import")
def import_():
    """Create or update study records from a bibliographic file."""


def _run_import(kind, path, prefer_import, as_json):
    settings = load_settings()
    try:
        summary = importers.run(kind, path, settings.data_dirs_list, settings.shapes,
                                settings.queries_dir, prefer_import=prefer_import)
    except ValidationFailed as exc:
        click.echo(f"import refused: the data would not pass `kb validate`; nothing was written ({path})",
                   err=True)
        fail(exc)
    except KBError as exc:
        fail(exc)
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
