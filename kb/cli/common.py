"""What every `kb` command shares: the store option, the settings, and how errors are printed."""

import sys

import click

from kb.errors import ValidationFailed
from kb.settings import Settings

STORE_HELP = "oxigraph:PATH or sparql:QUERY_URL[,update=URL][,gsp=URL] (default: $KB_STORE)"
STORE = click.option("--store", help=STORE_HELP)


def load_settings(store=None):
    """Return the settings from the environment, with --store when given."""
    return Settings.load(STORE=store)


def fail(exc):
    """Print a KB error for a person and exit non-zero."""
    if isinstance(exc, ValidationFailed):
        click.echo(f"validation failed: {len(exc.problems)} problem(s)", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(1)
