"""The report as one self-contained HTML file: inline CSS, an inline SVG heat map per site,
no script and nothing fetched. Every text is NFC and escaped."""

from __future__ import annotations

import unicodedata
from html import escape
from pathlib import Path

from dostcrawler.report.data import CoverageReport, SiteReport
from dostcrawler.report.table import COLUMNS, table_rows
from dostcrawler.storage.export import atomic_file

# ColorBrewer "Blues" (sequential, readable in grey): more articles, darker. A gap month is
# red, outside the blues, so it stands out; a month outside the site's span is blank grey.
PALETTE = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
GAP_COLOUR = "#de2d26"
OUTSIDE_COLOUR = "#ffffff"
CELL_W, CELL_H, LABEL_W, HEAD_H, TOTAL_W = 44, 28, 56, 24, 64

CSS = """
body { font: 15px/1.45 system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #222;
       margin: 24px auto; max-width: 1200px; padding: 0 16px; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 21px; border-bottom: 2px solid #3182bd; padding-bottom: 2px; margin-top: 40px; }
h3 { font-size: 16px; margin: 16px 0 4px; }
.muted { color: #666; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f6fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.overview { font-size: 13px; }
.scroll { overflow-x: auto; }
.overview td { white-space: nowrap; }
.overview td.detail { white-space: normal; overflow-wrap: anywhere; min-width: 6em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; }
.status-finished { color: #1a7f37; font-weight: 600; }
.status-incomplete { color: #9a6700; font-weight: 600; }
.status-failed { color: #cf222e; font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; padding: 0;
          list-style: none; }
.swatch { display: inline-block; width: 14px; height: 14px; vertical-align: -2px;
          margin-right: 4px; border: 1px solid #bbb; }
svg.heatmap text { font: 12px system-ui, sans-serif; }
.errors { display: flex; flex-wrap: wrap; gap: 0 32px; }
""".strip()


def write_html(report: CoverageReport, target: str | Path) -> None:
    """Write the report to `target` ("-" is stdout), atomically: a temporary file renamed."""
    with atomic_file(target) as out:
        out.write(render_html(report))


def render_html(report: CoverageReport) -> str:
    """The whole HTML document."""
    count = len(report.sites)
    sites = "".join(_site_section(site) for site in report.sites)
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>dostcrawler coverage report: {_t(Path(report.archive).name)}</title>\n"
        f"<style>\n{CSS}\n</style>\n</head>\n"
        # The labels are English; what the sites wrote (province, publisher) says it is not.
        '<body lang="en">\n<h1>Coverage report</h1>\n'
        f'<p class="muted">Archive {_t(report.archive)}, {count} '
        f"{'site' if count == 1 else 'sites'}, generated {_t(report.generated_at)}.</p>\n"
        f"{_overview(report.sites)}{sites}</body>\n</html>\n"
    )


def _t(value: object) -> str:
    """Text for HTML: NFC, escaped (quotes too, so it is safe in attributes)."""
    return escape(unicodedata.normalize("NFC", str(value)), quote=True)


def _overview(sites: list[SiteReport]) -> str:
    head = "".join(f"<th>{_t(c.header)}</th>" for c in COLUMNS)
    body = []
    for site, cells in zip(sites, table_rows(sites), strict=True):
        tds = []
        for column, cell in zip(COLUMNS, cells, strict=True):
            if column.header == "site":
                tds.append(f'<td><a href="#site-{_t(site.site)}">{_t(cell)}</a></td>')
            elif column.header == "status":
                tds.append(f'<td class="status-{_t(cell)}">{_t(cell)}</td>')
            else:
                kind = "num" if column.numeric else "detail" if column.detail else "text"
                tds.append(f'<td class="{kind}">{_t(cell)}</td>')
        body.append(f'<tr data-site="{_t(site.site)}">{"".join(tds)}</tr>\n')
    rows = "".join(body)
    return f'<div class="scroll"><table class="overview">\n<tr>{head}</tr>\n{rows}</table></div>\n'


def _site_section(site: SiteReport) -> str:
    who = " · ".join(_t(v) for v in (site.province, site.publisher) if v)
    return (
        f'<section class="site" id="site-{_t(site.site)}" data-site="{_t(site.site)}">\n'
        f"<h2>{_t(site.site)}</h2>\n"
        + (f'<p lang="vi">{who}</p>\n' if who else "")
        + _facts(site)
        + "<h3>Articles per month</h3>\n"
        + _heatmap(site)
        + "<h3>Errors by kind, over all runs</h3>\n"
        + _errors(site)
        + "</section>\n"
    )


def _facts(site: SiteReport) -> str:
    gaps = site.gap_months
    share = site.low_confidence_share
    originals = ", ".join(f"{n} of {_t(name)}" for name, n in site.duplicates_of.items())
    facts = [
        ("Articles", f"{site.articles}"),
        (
            "Published",
            f"{_t(site.first_published)} to {_t(site.last_published)}"
            if site.first_published
            else "no dated article",
        ),
        (
            "Months",
            f"{len(site.per_month)} of {len(site.months)} with an article; "
            f'<span class="gap-count">{len(gaps)}</span> '
            f"gap {'month' if len(gaps) == 1 else 'months'}"
            + (f" ({_t(', '.join(gaps))})" if gaps else ""),
        ),
        ("Undated", f"{site.undated}"),
        (
            "Low confidence",
            "-" if share is None else f"{site.low_confidence} ({share:.1%})",
        ),
        (
            "Copies of another site's article",
            f"{site.duplicates}" + (f" ({originals})" if originals else ""),
        ),
        ("Runs", f"{site.runs}"),
        ("Last run", _last_run(site)),
    ]
    items = "".join(f"<dt>{_t(name)}</dt><dd>{value}</dd>\n" for name, value in facts)
    return f'<dl class="facts">\n{items}</dl>\n'


def _last_run(site: SiteReport) -> str:
    run = site.last_run
    if run is None:
        return "none"
    status = run.status or "-"
    text = (
        f"#{run.id} ({_t(run.mode or '-')}), {_t(run.started_at or '-')} to "
        f"{_t(run.finished_at or 'not finished')}: "
        f'<span class="status-{_t(status)}">{_t(status)}</span>'
    )
    return text + (f": {_t(run.status_reason)}" if run.status_reason else "")


def _levels(most: int) -> list[tuple[int, int, str]]:
    """The colour scale of a site whose busiest month has `most` articles: (fewest, most,
    colour) per step, at most one step per palette colour, spread over the whole palette."""
    count = min(len(PALETTE), most)
    steps = []
    for step in range(count):
        colour = PALETTE[round(step * (len(PALETTE) - 1) / (count - 1)) if count > 1 else 2]
        steps.append((step * most // count + 1, (step + 1) * most // count, colour))
    return steps


def _level_colour(count: int, most: int) -> str:
    """The cell colour of a month with `count` articles."""
    return next(colour for low, high, colour in _levels(most) if low <= count <= high)


def _heatmap(site: SiteReport) -> str:
    """An SVG grid: a row per year, a column per month, the count in each cell."""
    if not site.per_month:
        return "<p>No dated article.</p>\n"
    span, most = set(site.months), max(site.per_month.values())
    years = site.years
    width = LABEL_W + 12 * CELL_W + TOTAL_W
    height = HEAD_H + len(years) * CELL_H
    parts = [
        f'<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Articles per month, {_t(site.site)}">'
    ]
    for m in range(12):
        x = LABEL_W + m * CELL_W + CELL_W / 2
        parts.append(f'<text x="{x}" y="16" text-anchor="middle">{m + 1:02d}</text>')
    parts.append(f'<text x="{LABEL_W + 12 * CELL_W + 8}" y="16">total</text>')
    for row, year in enumerate(years):
        y = HEAD_H + row * CELL_H
        parts.append(f'<text x="6" y="{y + 19}">{year}</text>')
        for m in range(12):
            month = f"{year:04d}-{m + 1:02d}"
            parts.append(_cell(month, site.per_month.get(month, 0), month in span, most, m, y))
        total = sum(n for k, n in site.per_month.items() if k.startswith(f"{year:04d}-"))
        parts.append(f'<text x="{LABEL_W + 12 * CELL_W + 8}" y="{y + 19}">{total}</text>')
    parts.append("</svg>")
    return "<figure>\n" + "".join(parts) + "\n" + _legend(most) + "</figure>\n"


def _cell(month: str, count: int, in_span: bool, most: int, column: int, y: int) -> str:
    x = LABEL_W + column * CELL_W
    if not in_span:
        kind, fill, label, white = "outside", OUTSIDE_COLOUR, "", False
        tip = f"{month}: outside the site's first and last article"
    elif count == 0:
        kind, fill, label, white = "gap", GAP_COLOUR, "0", True
        tip = f"{month}: no article (gap month)"
    else:
        kind, label, fill = "month", str(count), _level_colour(count, most)
        white = fill in PALETTE[3:]
        tip = f"{month}: {count} {'article' if count == 1 else 'articles'}"
    ink = ' fill="#fff"' if white else ""
    text = f'<text x="{x + CELL_W / 2}" y="{y + 19}" text-anchor="middle"{ink}>{label}</text>'
    return (
        f'<g><rect class="cell {kind}" data-month="{month}" data-count="{count}" x="{x + 1}" '
        f'y="{y + 1}" width="{CELL_W - 2}" height="{CELL_H - 2}" fill="{fill}" '
        f'stroke="#e0e0e0"><title>{_t(tip)}</title></rect>{text if label else ""}</g>'
    )


def _legend(most: int) -> str:
    items = []
    for low, high, colour in _levels(most):
        counts = str(low) if low == high else f"{low}–{high}"
        items.append((colour, f"{counts} {'article' if high == 1 else 'articles'}"))
    items += [(GAP_COLOUR, "gap month: no article"), (OUTSIDE_COLOUR, "before or after")]
    lis = "".join(
        f'<li><span class="swatch" style="background:{colour}"></span>{_t(text)}</li>'
        for colour, text in items
    )
    return f'<ul class="legend">{lis}</ul>\n'


def _errors(site: SiteReport) -> str:
    tables = [
        ("HTTP error responses, by status", site.http_errors),
        ("Pages given up on after retries, by reason", site.failed_pages),
        ("Items not stored, by reason", site.dropped),
        ("Errors counted, by kind", site.errors),
    ]
    shown = [
        f"<div><h3>{_t(title)}</h3><table>"
        + "".join(
            f'<tr><td>{_t(key)}</td><td class="num">{count}</td></tr>'
            for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        )
        + "</table></div>"
        for title, counts in tables
        if counts
    ]
    if not shown:
        return "<p>No error recorded.</p>\n"
    return '<div class="errors">' + "".join(shown) + "</div>\n"
