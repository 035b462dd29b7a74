"""The `dostcrawler` command: a thin click adapter over the library."""

from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from dostcrawler import __version__
from dostcrawler.profiles import (
    ProfileError,
    SiteProfile,
    all_sites,
    generic_profile,
    load_profile_file,
    load_site,
)
from dostcrawler.storage.db import Archive, ArchiveError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
DEFAULT_DB = "exports/archive.sqlite"
DEFAULT_EXPORT_DIR = "exports"
DEMO_DIR = "exports/demo"


def db_option(fn: Any, default: str = DEFAULT_DB) -> Any:
    """--db PATH, shared by every command that reads or writes the archive."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        default=default,
        show_default=True,
        help="SQLite archive file.",
    )(fn)


def export_dir_option(fn: Any, default: str = DEFAULT_EXPORT_DIR) -> Any:
    """--export-dir DIR: where JSONL, WARC and attachment files go (and are read back from)."""
    return click.option(
        "--export-dir",
        type=click.Path(file_okay=False),
        default=default,
        show_default=True,
        help="Folder for jsonl/, warc/ and files/.",
    )(fn)


def site_identity_options(fn: Any) -> Any:
    """--name, --province, --publisher: who a site crawled with --start-url is."""
    fn = click.option("--publisher", help="Its publisher (with --start-url).")(fn)
    fn = click.option("--province", default="", help="Its province (with --start-url).")(fn)
    return click.option(
        "--name", help="The site's name in the archive, for one --start-url (default: its host)."
    )(fn)


def named_generic_profiles(
    start_urls: tuple[str, ...], name: str | None, province: str, publisher: str | None
) -> list[SiteProfile]:
    """Generic profiles for --start-url sites, named as the options say."""
    if (name or province or publisher) and len(start_urls) != 1:
        raise click.UsageError("--name, --province and --publisher go with one --start-url")
    return [
        _checked(generic_profile, url, name=name, province=province, publisher=publisher)
        for url in start_urls
    ]


def open_archive(path: str, *, must_exist: bool = False) -> Archive:
    """The archive, or a one-line error that says what is wrong with the path (or, with
    `must_exist`, that there is no archive there yet)."""
    if must_exist and not Path(path).is_file():
        raise click.ClickException(
            f"no archive at {path}: run `dostcrawler crawl` first or pass --db"
        )
    try:
        return Archive(path)
    except ArchiveError as exc:
        raise click.ClickException(f"{exc}. Choose a writable path with --db.") from None


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="dostcrawler")
def cli() -> None:
    """Archive the news of Vietnam's provincial Departments of Science and Technology."""


@cli.command()
@functools.partial(db_option, default=f"{DEMO_DIR}/archive.sqlite")
@functools.partial(export_dir_option, default=DEMO_DIR)
def demo(db_path: str, export_dir: str) -> None:
    """Crawl the bundled demo site (served on 127.0.0.1) into an archive of its own, so that
    its copy of a real site's pages never mixes with a real crawl of that site.

    \b
    Example:
        dostcrawler demo
    """
    from dostcrawler.demo.run import run_demo

    if db_path == f"{DEMO_DIR}/archive.sqlite":
        Path(DEMO_DIR).mkdir(parents=True, exist_ok=True)  # the demo's own folder
    open_archive(db_path).close()
    run_demo(db_path=db_path, export_dir=export_dir, echo=click.echo)


@cli.command()
@click.option("--nl", is_flag=True, help="One JSON object per line instead of a table.")
def sites(nl: bool) -> None:
    """List the bundled site profiles.

    \b
    Example:
        dostcrawler sites
    """
    profiles = _checked(all_sites)
    name_width = max((len(p.name) for p in profiles), default=0) + 2
    platform_width = max((len(p.platform) for p in profiles), default=0) + 2
    for profile in profiles:
        if nl:
            row = {
                "name": profile.name,
                "province": profile.province,
                "merged_into": profile.merged_into,
                "platform": profile.platform,
                "verified": profile.verified,
                "start_urls": list(profile.start_urls),
            }
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            status = "verified" if profile.verified else "unverified"
            moved = profile.merged_into and profile.merged_into != profile.province
            merged = f" -> {profile.merged_into}" if moved else ""
            click.echo(
                f"{profile.name:<{name_width}}{profile.platform:<{platform_width}}"
                f"{status:<12}{profile.province}{merged}"
            )


def verbosity_options(fn: Any) -> Any:
    """-q/--quiet and -v/--verbose: how much of the log a crawl prints to stderr."""
    fn = click.option(
        "-v",
        "--verbose",
        count=True,
        help="Scrapy's INFO lines too (--log-level INFO); -vv: DEBUG.",
    )(fn)
    return click.option(
        "-q", "--quiet", is_flag=True, help="Errors and the summary only (--log-level ERROR)."
    )(fn)


def chosen_log_level(quiet: bool, verbose: int) -> str | None:
    """The --log-level that -q or -v stands for; None: the default (see dostcrawler.logs)."""
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose contradict each other")
    if quiet:
        return "ERROR"
    return {0: None, 1: "INFO"}.get(verbose, "DEBUG")


@cli.command()
@click.argument("site_names", metavar="SITE...", nargs=-1)
@click.option(
    "--profile",
    "profile_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A profile TOML file (repeatable), instead of or besides SITE names.",
)
@click.option(
    "--start-url",
    "start_urls",
    multiple=True,
    help="Crawl a site that has no profile, from this listing URL (generic mode; repeatable).",
)
@click.option(
    "--origin",
    help="Fetch from this scheme and host instead, e.g. http://127.0.0.1:8000 (a local "
    "mirror, a moved site); the archive records the site's own addresses.",
)
@click.option(
    "--site-host",
    help="With one --start-url on a mirror: the real site's scheme and host, which the "
    "archive records (e.g. https://skhcn.example.gov.vn).",
)
@db_option
@export_dir_option
@click.option("--all", "every_site", is_flag=True, help="Crawl every enabled bundled site.")
@click.option(
    "--full",
    is_flag=True,
    help="Walk every listing page and refetch every article (default: incremental).",
)
@click.option("--since", help="Skip listing entries published before this date (YYYY-MM-DD).")
@click.option(
    "--no-attachments", is_flag=True, help="Do not download attached documents (PDF, DOC...)."
)
@click.option("--no-warc", is_flag=True, help="Do not write WARC captures.")
@click.option(
    "--max-articles", type=click.IntRange(min=1), help="Stop after requesting N articles per site."
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    help="Seconds between requests, overriding the profile and robots.txt's Crawl-delay "
    "(use 0 only for local mirrors).",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    help="Scrapy's whole log at this level, as `scrapy crawl` prints it; wins over -q/-v "
    "(default: dostcrawler's own lines, and Scrapy's warnings and errors).",
)
@verbosity_options
@site_identity_options
def crawl(
    site_names: tuple[str, ...],
    profile_files: tuple[str, ...],
    start_urls: tuple[str, ...],
    origin: str | None,
    site_host: str | None,
    db_path: str,
    export_dir: str,
    every_site: bool,
    full: bool,
    since: str | None,
    no_attachments: bool,
    no_warc: bool,
    max_articles: int | None,
    delay: float | None,
    log_level: str | None,
    quiet: bool,
    verbose: int,
    name: str | None,
    province: str,
    publisher: str | None,
) -> None:
    """Crawl sites into the archive and a per-run JSONL file.

    Incremental by default: articles already archived are not fetched again, and a listing
    page that holds only known articles ends the walk (after a run that finished; an
    interrupted run resumes by walking every listing page).

    \b
    Example:
        dostcrawler crawl vinhphuc
        dostcrawler crawl --all --since 2025-01-01
        dostcrawler crawl --profile mysite.toml --db archive.sqlite
        dostcrawler crawl --start-url https://skhcn.example.gov.vn/tin-tuc/ --name example
    """
    from dostcrawler.crawl import ArchiveBusy, run_crawls

    profiles: list[SiteProfile] = [_checked(load_site, name) for name in site_names]
    if every_site:
        profiles += [p for p in _checked(all_sites) if p.enabled and p.name not in site_names]
    profiles += [_checked(load_profile_file, path) for path in profile_files]
    if not site_host and len(start_urls) == 1 and not origin:
        site_host = _site_host_from_canonical(start_urls[0])
    if site_host:
        start_urls, origin = _on_mirror(start_urls, origin, site_host)
    profiles += named_generic_profiles(start_urls, name, province, publisher)
    if not profiles:
        raise click.UsageError(
            "name at least one SITE (see `dostcrawler sites`), --profile FILE or --start-url URL"
        )
    if origin and not origin.startswith(("http://", "https://")):
        raise click.BadParameter(
            "expected an absolute URL such as http://127.0.0.1:8000", param_hint="--origin"
        )
    if since:
        _check_date(since, "--since")
    try:
        results = run_crawls(
            profiles,
            db_path=db_path,
            export_dir=export_dir,
            origin=origin,
            max_articles=max_articles,
            delay=delay,
            mode="full" if full else "incremental",
            since=since,
            log_level=log_level or chosen_log_level(quiet, verbose),
            attachments=not no_attachments,
            warc=not no_warc,
        )
    except ArchiveBusy as exc:
        raise click.ClickException(str(exc)) from None
    except ArchiveError as exc:  # opened only once the lock is held: never "database is locked"
        raise click.ClickException(f"{exc}. Choose a writable path with --db.") from None
    for result in results:
        click.echo(result.summary(), err=True)
    statuses = {result.status for result in results}
    if "shutdown" in statuses:
        sys.exit(130)  # stopped by Ctrl-C (or SIGTERM), as a shell reports an interrupt
    if statuses != {"finished"}:
        sys.exit(1)


def _on_mirror(
    start_urls: tuple[str, ...], origin: str | None, site_host: str
) -> tuple[tuple[str, ...], str]:
    """--start-url on a mirror plus --site-host: the site's own start URL, and the mirror as
    --origin (requests go there, the archive records the site's addresses)."""
    if len(start_urls) != 1 or origin:
        raise click.UsageError(
            "--site-host goes with one --start-url (on the mirror), not --origin"
        )
    real, mirror = urlsplit(site_host), urlsplit(start_urls[0])
    if real.scheme not in ("http", "https") or not real.netloc or real.path.strip("/"):
        raise click.BadParameter(
            "expected a scheme and host such as https://skhcn.example.gov.vn",
            param_hint="--site-host",
        )
    recorded = mirror._replace(scheme=real.scheme, netloc=real.netloc).geturl()
    fetched_from = f"{mirror.scheme}://{mirror.netloc}"
    click.echo(f"fetching from {fetched_from}; recording as {recorded}", err=True)
    return (recorded,), fetched_from


def _site_host_from_canonical(start_url: str) -> str | None:
    """A --start-url on a local mirror: the real host its page names (canonical link), or
    None, said either way."""
    from dostcrawler.mirror import is_mirror, real_origin_of

    if not is_mirror(start_url):
        return None
    real = real_origin_of(start_url)
    mirror = urlsplit(start_url).netloc
    if real is None:
        click.echo(
            f"Warning: {mirror} is a local address and its page names no other host: the "
            "archive records its addresses (pass --site-host URL for the real site's)",
            err=True,
        )
        return None
    click.echo(f"{mirror} is a local mirror: its page's canonical link names {real}", err=True)
    return real


@cli.command()
@click.option("--start-url", required=True, help="A news listing page of the site.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the TOML here (default: stdout)."
)
@click.option("--origin", help="Fetch from this scheme and host instead (a local mirror).")
@click.option(
    "--articles",
    type=click.IntRange(min=3),
    default=10,
    show_default=True,
    help="Article pages to learn from.",
)
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests.")
@verbosity_options
@site_identity_options
def learn(
    start_url: str,
    output: str | None,
    origin: str | None,
    articles: int,
    delay: float | None,
    quiet: bool,
    verbose: int,
    name: str | None,
    province: str,
    publisher: str | None,
) -> None:
    """Learn a site's template from a few of its pages and write a profile TOML.

    It crawls the listing and up to --articles article pages politely, finds what is the
    same on every page (template) and what differs (content), and writes the title, date
    and body selectors with a comment on each: its confidence and evidence. The file
    (verified = false) works as it is with `crawl --profile` and `parse --profile`.

    \b
    Example:
        dostcrawler learn --start-url https://skhcn.example.gov.vn/tin-tuc/ -o example.toml
        dostcrawler crawl --profile example.toml
    """
    from dostcrawler.learn import learn_site, profile_toml

    (profile,) = named_generic_profiles((start_url,), name, province, publisher)
    log_level = chosen_log_level(quiet, verbose) or "WARNING"  # its output is the TOML
    site = learn_site(profile, origin=origin, articles=articles, delay=delay, log_level=log_level)
    if not site.templates:
        click.echo(f"{start_url}: no template learned (too few article pages found)", err=True)
    text = profile_toml(site)
    if output is None:
        click.echo(text, nl=False)
        return
    target = Path(output)
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"wrote {output} ({len(site.templates)} template(s))", err=True)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option("--site", help="A bundled site profile to extract with.")
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(exists=True, dir_okay=False),
    help="A profile TOML file to extract with.",
)
def parse(file: str, url: str, site: str | None, profile_file: str | None) -> None:
    """Print the JSON record extracted from one saved page (check a profile offline).

    \b
    Example:
        dostcrawler parse page.html --site vinhphuc \\
            --url 'https://sokhcn.vinhphuc.gov.vn/.../View_Detail.aspx?ItemID=1052'
    """
    from dostcrawler.parse import parse_saved_page

    if site and profile_file:
        raise click.UsageError("use either --site or --profile, not both")
    profile = _checked(load_site, site) if site else None
    if profile_file:
        profile = _checked(load_profile_file, profile_file)
    try:
        record = parse_saved_page(Path(file).read_bytes(), url, profile)
    except ValueError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="0: any free."
)
def serve(db_path: str, host: str, port: int) -> None:
    """Browse and search the archive in Datasette (read-only), with its data dictionary.

    \b
    Example:
        dostcrawler serve --db exports/archive.sqlite --port 8001
    """
    from dostcrawler.browse import bind
    from dostcrawler.browse import serve as run_datasette

    open_archive(db_path, must_exist=True).close()  # brings an older archive's schema up to date
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"Serving {db_path} at http://{shown}:{sock.getsockname()[1]}/ (Ctrl-C stops)", err=True
    )
    run_datasette(Path(db_path), sock)


@cli.command()
@click.argument("query")
@db_option
@click.option("--site", help="Only this site.")
@click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def search(
    query: str, db_path: str, site: str | None, since: str | None, limit: int, as_json: bool
) -> None:
    """Full-text search of the archive, with or without diacritics, best match first.

    \b
    Example:
        dostcrawler search "chuyen doi so" --site vinhphuc --since 2024-01-01
    """
    if since:
        _check_date(since, "--since")
    archive = open_archive(db_path, must_exist=True)
    try:
        _check_site(archive, site)
        hits = archive.search(query, site=site, since=since, limit=limit)
    finally:
        archive.close()
    for hit in hits:
        if as_json:
            click.echo(json.dumps(asdict(hit), ensure_ascii=False))
        else:
            click.echo(f"{hit.published_at or '(undated)':<25} {hit.id}\n  {hit.title}")
            click.echo(f"  {hit.snippet}\n  {hit.url}\n")
    click.echo(f"{len(hits)} {'article' if len(hits) == 1 else 'articles'} found", err=True)


@cli.command()
@db_option
@click.option("--site", help="Only this site.")
@click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option(
    "-o", "--output", default="-", show_default=True, help="Output file, or - for stdout."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet", "jsonld"]),
    help="Output format (default: from the file's extension, else jsonl).",
)
def export(db_path: str, site: str | None, since: str | None, output: str, fmt: str | None) -> None:
    """Write the archive as JSON Lines (or CSV, Parquet, JSON-LD), in a stable order (site,
    published_at, id).

    \b
    Example:
        dostcrawler export --site vinhphuc -o vinhphuc.jsonl
        dostcrawler export --since 2024-01-01 -o articles.csv
    """
    from dostcrawler.storage.formats import ExportError, write_export

    if since:
        _check_date(since, "--since")
    suffix = Path(output).suffix.lstrip(".")
    fmt = fmt or (suffix if suffix in ("csv", "parquet", "jsonld") else "jsonl")
    archive = open_archive(db_path, must_exist=True)
    try:
        _check_site(archive, site)
        records = archive.iter_articles(site=site, since=since)
        count = write_export(records, output, fmt, url_of=archive.article_url)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    finally:
        archive.close()
    click.echo(f"exported {count} articles", err=True)


@cli.command()
@click.argument("node_dirs", metavar="NODE_DIR...", nargs=-1, required=True)
@db_option
@export_dir_option
def ingest(node_dirs: tuple[str, ...], db_path: str, export_dir: str) -> None:
    """Merge the archives and export folders of other nodes (Scrapyd machines) into this one.

    A NODE_DIR holds a node's archive.sqlite (or name the .sqlite file) with its warc/ and
    files/. Every node is checked before anything is written, and each is merged in one
    transaction; re-ingesting a node, or ingesting in another order, gives the same archive.
    Prints one line per node: its articles (new, updated), and the crawls, captures and
    attachments this archive did not hold yet.

    \b
    Example:
        dostcrawler ingest /srv/nodes/node-a /srv/nodes/node-b --db exports/archive.sqlite
    """
    from dostcrawler.storage.ingest import IngestError, ingest_nodes

    try:
        ingest_nodes(
            node_dirs,
            db_path=db_path,
            export_dir=export_dir,
            on_node=lambda summary: click.echo(summary.line()),
        )
    except IngestError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@db_option
@click.option("--site", help="Only this site.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write a self-contained HTML report to this file (- for stdout) instead of the table.",
)
def report(db_path: str, site: str | None, output: str | None) -> None:
    """Coverage per site: articles per month with the gap months (no article between the
    first and the last), date range, last run and why it ended so, errors by kind over all
    runs, low-confidence, duplicate and undated articles.

    A table (one row per site) to stdout, or with -o an HTML file with a heat map per site.

    \b
    Example:
        dostcrawler report
        dostcrawler report --site vinhphuc -o vinhphuc-report.html
    """
    from dostcrawler.report import ReportError, coverage_report, write_html, write_table

    archive = open_archive(db_path, must_exist=True)
    try:
        made = coverage_report(archive, site=site)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        archive.close()
    if output is None:
        write_table(made.sites, sys.stdout)
        return
    try:
        write_html(made, output)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    if output != "-":
        count = len(made.sites)
        click.echo(f"wrote {output}: {count} {'site' if count == 1 else 'sites'}", err=True)


@cli.command()
@db_option
@export_dir_option
@click.option("--site", help="Only this site.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The WACZ file to write (its name ends in .wacz).",
)
def wacz(db_path: str, export_dir: str, site: str | None, output: str) -> None:
    """Package the WARC captures of a site (or of every site) as one WACZ file: the WARC files,
    their CDXJ index and one page per captured article (address, fetch time, title), ready for
    ReplayWeb.page. Written atomically.

    \b
    Example:
        dostcrawler wacz --site vinhphuc -o vinhphuc.wacz
    """
    from dostcrawler.capture.wacz import WaczError, package_wacz

    _require_site(db_path, site)
    try:
        summary = package_wacz(db_path, export_dir, output, site=site)
    except WaczError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary.line())


def _require_site(db_path: str, site: str | None) -> None:
    """The archive exists and holds articles of --site, or a one-line error (see _check_site)."""
    archive = open_archive(db_path, must_exist=True)
    try:
        _check_site(archive, site)
    finally:
        archive.close()


def _check_site(archive: Archive, site: str | None) -> None:
    """--site names a site the archive holds articles of, or a one-line error listing them."""
    if site is None:
        return
    known = [row["site"] for row in archive.site_stats() if row["articles"]]
    if site not in known:
        listed = ", ".join(known) or "none yet"
        raise click.ClickException(
            f"the archive {archive.path} holds no article of site '{site}' (sites: {listed})"
        )


@cli.command()
@db_option
@export_dir_option
@click.option("--site", help="Only this site.")
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(dir_okay=False),
    help="Extract with this profile instead of the one its crawl recorded (its site only).",
)
@click.option("--dry-run", is_flag=True, help="Count what would change, per field; write nothing.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="one per core",
    help="Worker processes extracting (the archive is written by one).",
)
def reextract(
    db_path: str,
    export_dir: str,
    site: str | None,
    profile_file: str | None,
    dry_run: bool,
    jobs: int,
) -> None:
    """Rebuild article rows from the WARC captures, with no network.

    Each site is extracted with exactly the profile its crawl recorded (and the platform and
    templates generic mode settled on), or with --profile FILE. Changed articles get a new
    version; `site`, `id` and `url` never change.

    \b
    Example:
        dostcrawler reextract --site vinhphuc --dry-run
        dostcrawler reextract --profile mysite.toml
    """
    from dostcrawler.reextract import ReextractError
    from dostcrawler.reextract import reextract as run_reextract

    profile = _checked(load_profile_file, profile_file) if profile_file else None
    _require_site(db_path, site)
    try:
        report = run_reextract(
            db_path, export_dir, site=site, profile=profile, dry_run=dry_run, jobs=jobs
        )
    except ReextractError as exc:
        raise click.ClickException(str(exc)) from None
    for name, described in sorted(report.recipes.items()):
        click.echo(f"{name}: extracting with {described}", err=True)
    outcomes = report.outcomes
    summary = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items())) or "nothing"
    click.echo(f"{'dry run, nothing written' if dry_run else 're-extracted'}: {summary}", err=True)
    for name, count in sorted(report.changed_fields.items()):
        click.echo(f"  {name}: {count} changed", err=True)
        if dry_run:
            for article_id, old, new in report.examples[name]:
                click.echo(f"    {article_id}: {_short(old)} -> {_short(new)}", err=True)


def _short(value: Any, width: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
@click.option("--nl", is_flag=True, help="One JSON object per line instead of a table.")
def stats(db_path: str, as_json: bool, nl: bool) -> None:
    """Per site: articles, date range and last crawl.

    \b
    Example:
        dostcrawler stats --db exports/archive.sqlite
        dostcrawler stats --nl | jq -r 'select(.last_status != "finished") | .site'
    """
    if as_json and nl:
        raise click.UsageError("use either --json or --nl, not both")
    archive = open_archive(db_path, must_exist=True)
    try:
        rows = archive.site_stats()
    finally:
        archive.close()
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    if as_json:  # an array with a row per line, as sqlite-utils writes it
        click.echo("[" + ",\n ".join(lines) + "]")
    elif nl:
        for line in lines:
            click.echo(line)
    else:
        _stats_table(rows)
    if any(row["low_confidence"] for row in rows):
        click.echo(
            f'low-confidence articles: sqlite-utils {db_path} "{Archive.LOW_CONFIDENCE_QUERY}"',
            err=True,
        )


def _stats_table(rows: list[dict[str, Any]]) -> None:
    """`stats` as a table, for people."""
    click.echo(
        f"{'site':<16} {'articles':>8} {'low conf.':>9}  {'first':<25} {'last':<25} last crawl"
    )
    for row in rows:
        click.echo(
            f"{row['site']:<16} {row['articles']:>8} {row['low_confidence']:>9}  "
            f"{row['first_published'] or '-':<25} {row['last_published'] or '-':<25} "
            f"{row['last_crawl'] or '-'} ({row['last_status'] or '-'})"
        )


def _check_date(value: str, option: str) -> None:
    """A YYYY-MM-DD option, or a usage error that says so."""
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("expected a date as YYYY-MM-DD", param_hint=option) from None


def _checked(loader: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a profile loader; a broken profile becomes a one-line error, not a traceback."""
    try:
        return loader(*args, **kwargs)
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from None
