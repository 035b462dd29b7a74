"""The coverage report: per site, articles per month (and the gap months), the date range,
the last run, errors by kind, low-confidence, duplicate and undated articles; as a terminal
table or a self-contained HTML file."""

from __future__ import annotations

from dostcrawler.report.data import CoverageReport, ReportError, SiteReport, coverage_report
from dostcrawler.report.html import render_html, write_html
from dostcrawler.report.table import plain_table, write_table

__all__ = [
    "CoverageReport",
    "ReportError",
    "SiteReport",
    "coverage_report",
    "plain_table",
    "render_html",
    "write_html",
    "write_table",
]
