"""The report as a table with one row per site: for a terminal (rich), for a pipe (plain,
aligned text), and as the overview of the HTML report (the same columns)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from dostcrawler.report.data import SiteReport
from dostcrawler.storage.runstats import describe

STATUS_STYLES = {"finished": "green", "incomplete": "yellow", "failed": "bold red"}


@dataclass(frozen=True)
class Column:
    """One column of the table: its header, its cell for a site, and whether it is a count."""

    header: str
    cell: Callable[[SiteReport], str]
    numeric: bool = False
    # Too long for a terminal's columns: drawn by rich as a line under the table instead.
    detail: bool = False


def _day(value: str | None) -> str:
    return value[:10] if value else "-"


def _low_confidence(site: SiteReport) -> str:
    share = site.low_confidence_share
    return "-" if share is None else f"{site.low_confidence} ({share:.1%})"


def _last_run(site: SiteReport) -> str:
    run = site.last_run
    return "-" if run is None else f"#{run.id} {_day(run.started_at)}"


def _status(site: SiteReport) -> str:
    return (site.last_run.status or "-") if site.last_run else "-"


def _why(site: SiteReport) -> str:
    return (site.last_run.status_reason or "") if site.last_run else ""


COLUMNS = (
    Column("site", lambda s: s.site),
    Column("articles", lambda s: str(s.articles), numeric=True),
    Column("first", lambda s: _day(s.first_published)),
    Column("last", lambda s: _day(s.last_published)),
    Column("gap months", lambda s: str(len(s.gap_months)), numeric=True),
    Column("undated", lambda s: str(s.undated), numeric=True),
    Column("low conf.", _low_confidence, numeric=True),
    Column("duplicates", lambda s: str(s.duplicates), numeric=True),
    Column("last run", _last_run),
    Column("status", _status),
    Column("HTTP errors", lambda s: describe(s.http_errors) or "-", detail=True),
    Column("failed pages", lambda s: describe(s.failed_pages) or "-", detail=True),
    Column("why", _why, detail=True),
)


def table_rows(sites: list[SiteReport]) -> list[list[str]]:
    """Each site's cells, in the order of COLUMNS."""
    return [[column.cell(site) for column in COLUMNS] for site in sites]


def write_table(sites: list[SiteReport], out: TextIO) -> None:
    """The table to `out`: drawn with rich on a terminal, aligned plain text otherwise (one
    line per site, for grep and scripts)."""
    if out.isatty():
        _write_rich(sites, out)
    else:
        out.write(plain_table(sites))


def plain_table(sites: list[SiteReport]) -> str:
    """Aligned columns separated by two spaces, a header line first; the last column ("why")
    is not padded, so a long reason never pushes the others apart."""
    lines = [[c.header for c in COLUMNS], *table_rows(sites)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS) - 1)]
    text = []
    for line in lines:
        cells = [
            cell.rjust(width) if column.numeric else cell.ljust(width)
            for cell, width, column in zip(line, widths, COLUMNS, strict=False)
        ]
        text.append("  ".join([*cells, line[-1]]).rstrip())
    return "\n".join(text) + "\n"


def _write_rich(sites: list[SiteReport], out: TextIO) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title="Coverage",
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    shown = [i for i, column in enumerate(COLUMNS) if not column.detail]
    for i in shown:
        # A narrow terminal folds the cells, never hides them; the site's name stays whole.
        table.add_column(
            COLUMNS[i].header,
            justify="right" if COLUMNS[i].numeric else "left",
            overflow="fold",
            no_wrap=i == 0,
        )
    details = []
    for cells in table_rows(sites):
        # Text, not markup: a status reason may hold brackets.
        table.add_row(*(Text(cells[i], style=_style(COLUMNS[i], cells[i])) for i in shown))
        said = {c.header: cell for c, cell in zip(COLUMNS, cells, strict=True) if c.detail}
        why = said.pop("why")
        counts = [f"{name}: {cell}" for name, cell in said.items() if cell != "-"]
        if why or counts:
            details.append(Text(f"{cells[0]}: " + "; ".join(filter(None, [why, *counts]))))
    console = Console(file=out, highlight=False)
    console.print(table)
    for line in details:
        console.print(line)


def _style(column: Column, cell: str) -> str:
    return STATUS_STYLES.get(cell, "") if column.header == "status" else ""
