"""`python -m dostcrawler` runs the command line."""

from dostcrawler.cli import cli

cli()
