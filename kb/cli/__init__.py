"""The `kb` command line: one click group; each command lives in the module named for what it does."""

import click

from kb.cli import data, read


@click.group()
@click.version_option(package_name="ketamine-evidence-kb")
def main():
    """Evidence knowledge base linking an article's claims to the studies behind them."""


for command in (data.build, data.validate, data.import_, read.query, read.stats, read.export,
                read.audit, read.serve):
    main.add_command(command)
