"""The `tocsin` command line: a thin Typer layer over the library.

Every command parses its arguments and calls a library function; errors tocsin raises on purpose
become one line on stderr and an exit code, never a traceback. Exit codes: 0 success, 1 some input
was rejected (the rest was processed), 2 usage or setup error.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tocsin import cameo
from tocsin.config import Settings, load_settings
from tocsin.errors import ConfigError, TocsinError
from tocsin.geo import country_code
from tocsin.ingest import ReadOptions, parse_date, read_paths
from tocsin.pipeline import Options, code_articles
from tocsin.store import DEFAULT_DB, Store
from tocsin.types import Article, CodedArticle, Rejection, source_chain

if TYPE_CHECKING:
    from tocsin.warn import WarnSettings

LOGGER = logging.getLogger(__name__)

app = typer.Typer(
    name="tocsin",
    help="Sourced, coded political event data from news reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stdout = Console(soft_wrap=False)
stderr = Console(stderr=True)

EXIT_REJECTED = 1
EXIT_ERROR = 2


class OutputFormat(str, Enum):
    """How events are printed."""

    table = "table"
    jsonl = "jsonl"
    csv = "csv"


PathsArgument = Annotated[
    list[str],
    typer.Argument(
        help="Files, folders, globs or http(s) URLs: .txt, .html, .jsonl, .csv, feeds (.rss, .atom, "
        ".xml, .json), .warc/.arc, each optionally .gz."
    ),
]
DbOption = Annotated[
    Path | None,
    typer.Option("--db", help=f"DuckDB database file (default: the settings file's db, else {DEFAULT_DB})."),
]
DateOption = Annotated[
    str | None,
    typer.Option("--date", help="Publication date for articles that have none (YYYY-MM-DD)."),
]
OutletOption = Annotated[str | None, typer.Option("--outlet", help="Publishing outlet for all articles.")]
LexiconOption = Annotated[
    list[Path] | None,
    typer.Option("--lexicon", help="Extra predicate lexicon (TSV, see README); repeatable."),
]
DictionaryOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--dictionary",
        help="PETRARCH/TABARI actor, agent, verb or discard dictionary; repeatable.",
    ),
]
AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-urls",
        help="Also fetch URLs whose host is a loopback, private or link-local address "
        "(default: the settings file's allow_private_urls, else refused).",
    ),
]


def _rejection_line(kind: str, rejection: Rejection, colour: str = "yellow") -> str:
    """One console line for a rejected or skipped input; its origin and reason come from the input
    (a file name, a feed entry id) and are escaped, so "[/]" in them is printed, not read as markup."""
    return f"[{colour}]{kind}[/] {escape(str(rejection.origin))}: {escape(rejection.reason)}"


def _fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    stderr.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _date_option(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise _fail(f"{name}: not a date: {value!r} (use YYYY-MM-DD)")
    return parsed


def _country_option(value: str | None) -> str | None:
    """An ISO-3 code from `--country` (a code or a country name)."""
    if value is None:
        return None
    if len(value) == 3 and value.isalpha():
        return value.upper()
    code = country_code(value)
    if code is None:
        raise _fail(f"--country: not a country: {value!r} (use an ISO-3 code such as IRQ)")
    return code


def _bbox_option(value: str | None) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) from `--bbox`."""
    if value is None:
        return None
    try:
        parts = [float(part) for part in value.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4:
        raise _fail(f"--bbox: expected min_lon,min_lat,max_lon,max_lat, not {value!r}")
    min_lon, min_lat, max_lon, max_lat = parts
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise _fail(f"--bbox: out of range or min above max: {value!r}")
    return min_lon, min_lat, max_lon, max_lat


def _default_format(requested: OutputFormat | None) -> OutputFormat:
    if requested is not None:
        return requested
    return OutputFormat.table if sys.stdout.isatty() else OutputFormat.jsonl


def _articles_reporting(
    paths: Iterable[str | Path],
    default_date: date | None,
    outlet: str | None,
    rejected: list[Rejection],
    allow_private: bool = False,
) -> Iterator[Article]:
    """Articles from the inputs; each rejection is printed as one line and collected."""
    options = ReadOptions(allow_private=allow_private)
    for item in read_paths(paths, default_date=default_date, outlet=outlet, options=options):
        if isinstance(item, Rejection):
            rejected.append(item)
            stderr.print(_rejection_line("rejected", item), highlight=False, soft_wrap=True)
        else:
            yield item


def _settings() -> Settings:
    """The settings file in force (`$TOCSIN_CONFIG` or ./tocsin.toml); a bad one fails the command."""
    try:
        return load_settings()
    except ConfigError as error:
        raise _fail(str(error)) from error


def _allow_private(flag: bool) -> bool:
    """Whether URLs on private addresses are fetched: `--allow-private-urls` or the settings file."""
    return flag or _settings().allow_private_urls


def _db(db: Path | None) -> Path:
    """The database: `--db`, else the settings file's `db`, else the default file."""
    return db or _settings().db or Path(DEFAULT_DB)


def _existing_db(db: Path | None) -> Path:
    """The database, which must exist (reading commands never create one)."""
    path = _db(db)
    if not path.exists():
        raise _fail(f"{path}: no such database (run `tocsin ingest` first)")
    return path


def _options(lexicon: list[Path] | None, dictionaries: list[Path] | None = None) -> Options:
    """Options for a run: the settings file's lexicons and dictionaries, then the command line's.
    The dictionaries are loaded now so that a bad file fails early."""
    settings = _settings()
    options = Options(
        lexicon_paths=(*settings.lexicons, *(lexicon or ())),
        dictionary_paths=(*settings.dictionaries, *(dictionaries or ())),
    )
    if options.dictionary_paths:
        options.dictionaries()  # raises DictionaryError for an unreadable file
    return options


def _party(record: dict[str, Any] | None) -> str:
    if not record:
        return ""
    return f"{record['text']} [{record['code'] or '?'}]"


def _source_chain(attribution: dict[str, Any]) -> str:
    return source_chain(attribution)


def _events_table(records: list[dict[str, Any]], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, expand=False)
    for column, style in (
        ("date", "cyan"),
        ("source", "bold"),
        ("event", "magenta"),
        ("target", "bold"),
        ("according to", "green"),
        ("sentence", "dim"),
    ):
        table.add_column(column, style=style, overflow="fold")
    for record in records:
        code = record["cameo"]
        name = cameo.lookup(code).name if cameo.is_valid(code) else ""
        sentence = record["sentence"]
        table.add_row(
            record["date"] or "",
            _party(record["source"]),
            f"{code} {name} (Q{record['quad_class']}, {record['goldstein']:+.1f})",
            _party(record["target"]),
            _source_chain(record["attribution"]),
            sentence if len(sentence) <= 120 else sentence[:117] + "…",
        )
    return table


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    """One CSV row per event: the JSONL record with nested fields flattened."""
    attribution = record["attribution"]
    speaker = attribution.get("speaker") or {}
    source = record["source"] or {}
    target = record["target"] or {}
    location = record.get("location") or {}
    return {
        "event_id": record["event_id"],
        "article_id": record["article_id"],
        "date": record["date"],
        "sentence_index": record["sentence_index"],
        "span_start": record["span"][0],
        "span_end": record["span"][1],
        "source_text": source.get("text"),
        "source_code": source.get("code"),
        "target_text": target.get("text"),
        "target_code": target.get("code"),
        "cameo": record["cameo"],
        "cameo_root": record["cameo_root"],
        "quad_class": record["quad_class"],
        "goldstein": record["goldstein"],
        "plover_type": (record.get("plover") or {}).get("type"),
        "speaker_text": speaker.get("text"),
        "speaker_code": speaker.get("code"),
        "speaker_anonymous": speaker.get("anonymous"),
        "cue": attribution.get("cue"),
        "via": " > ".join(attribution.get("via") or []),
        "quoted": attribution.get("quoted"),
        "location_name": location.get("name"),
        "location_country": location.get("country"),
        "sentence": record["sentence"],
    }


def _print_records(records: list[dict[str, Any]], output: OutputFormat, title: str | None = None) -> None:
    if output is OutputFormat.jsonl:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif output is OutputFormat.csv:
        buffer = io.StringIO()
        rows = [_flat(record) for record in records]
        fields = list(_flat_fields())
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    else:
        stdout.print(_events_table(records, title))


def _flat_fields() -> Iterator[str]:
    sample: dict[str, Any] = {
        "event_id": "",
        "article_id": "",
        "date": None,
        "sentence_index": 0,
        "span": [0, 0],
        "source": {},
        "target": None,
        "cameo": "",
        "cameo_root": "",
        "quad_class": 0,
        "goldstein": 0.0,
        "attribution": {},
        "sentence": "",
    }
    yield from _flat(sample)


def _summary_line(coded: CodedArticle) -> str:
    summary = coded.sourcing_summary()
    return (
        f"{summary['events']} events; {summary['anonymous_events']} rest on anonymous sources "
        f"({summary['anonymous_share']:.0%}); {summary['named_sources']} distinct named sources"
    )


@app.command("code")
def code_command(
    paths: PathsArgument,
    output: Annotated[
        OutputFormat | None,
        typer.Option("--format", "-f", help="table (default on a terminal) or jsonl."),
    ] = None,
    default_date: DateOption = None,
    outlet: OutletOption = None,
    lexicon: LexiconOption = None,
    dictionary: DictionaryOption = None,
    allow_private_urls: AllowPrivateOption = False,
) -> None:
    """Code articles without any database and print their events."""
    output = _default_format(output)
    rejected: list[Rejection] = []
    try:
        articles = _articles_reporting(
            paths, _date_option(default_date, "--date"), outlet, rejected, _allow_private(allow_private_urls)
        )
        for coded in code_articles(articles, _options(lexicon, dictionary)):
            records = [event.to_dict() for event in coded.events]
            if output is OutputFormat.table:
                title = coded.article.title or coded.article.origin or coded.article.id
                _print_records(records, output, title=title)
                stdout.print(f"[dim]{_summary_line(coded)}[/]", highlight=False)
            else:
                _print_records(records, output)
    except TocsinError as error:
        raise _fail(str(error)) from error
    if rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command("ingest")
def ingest_command(
    paths: PathsArgument,
    db: DbOption = None,
    default_date: DateOption = None,
    outlet: OutletOption = None,
    lexicon: LexiconOption = None,
    dictionary: DictionaryOption = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="spaCy processes on this machine (nlp.pipe n_process)."),
    ] = None,
    dask_workers: Annotated[
        int, typer.Option("--dask-workers", min=0, help="Parse and code on a local Dask cluster, N workers.")
    ] = 0,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Parse and code on a running Dask cluster (tcp://host:8786)."),
    ] = None,
    csv_text: Annotated[str | None, typer.Option("--csv-text", help="CSV column or JSONL key: text.")] = None,
    csv_date: Annotated[str | None, typer.Option("--csv-date", help="… of the publication date.")] = None,
    csv_title: Annotated[str | None, typer.Option("--csv-title", help="… of the title.")] = None,
    csv_url: Annotated[str | None, typer.Option("--csv-url", help="… of the URL.")] = None,
    csv_outlet: Annotated[str | None, typer.Option("--csv-outlet", help="… of the outlet.")] = None,
    csv_id: Annotated[str | None, typer.Option("--csv-id", help="… of a record id.")] = None,
    language: Annotated[
        list[str] | None,
        typer.Option("--language", help="Languages to code (ISO 639-1), repeatable; 'any' codes all."),
    ] = None,
    deduplicate: Annotated[
        bool, typer.Option("--dedup/--no-dedup", help="Link near-duplicate copies instead of coding them.")
    ] = True,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds allowed per URL.")] = 20.0,
    allow_private_urls: AllowPrivateOption = False,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal).")
    ] = None,
) -> None:
    """Code articles and store them in the database; stored articles and near-duplicate copies are
    not coded again, non-English articles are recorded as skipped."""
    from tocsin.ingest.progress import IngestProgress
    from tocsin.ingest.run import IngestSettings, ingest

    mapping = {"text": csv_text, "date": csv_date, "title": csv_title, "url": csv_url}
    mapping |= {"outlet": csv_outlet, "id": csv_id}
    languages = tuple(code.strip().lower() for code in (language or ["en"]))
    settings = IngestSettings(
        read=ReadOptions(
            columns={k: v for k, v in mapping.items() if v},
            timeout=timeout,
            allow_private=_allow_private(allow_private_urls),
        ),
        default_date=_date_option(default_date, "--date"),
        outlet=outlet,
        languages=() if "any" in languages else languages,
        deduplicate=deduplicate,
        workers=workers or _settings().workers or 1,
        dask_workers=dask_workers,
        scheduler=scheduler,
    )
    try:
        db = _db(db)
        with Store(db) as store, IngestProgress(stderr, enabled=progress) as bar:

            def notice(kind: str, rejection: Rejection) -> None:
                colour = "yellow" if kind == "rejected" else "dim"
                bar.print(_rejection_line(kind, rejection, colour))

            options = _options(lexicon, dictionary)
            options.known_people = store.people()  # what earlier runs learned about named people
            report = ingest(paths, store, settings, options, notice=notice, progress=bar)
    except TocsinError as error:
        raise _fail(str(error)) from error
    stderr.print(
        f"{report.added} articles stored with {report.events} events; "
        f"{report.duplicates} near-duplicates linked; {report.already_stored} already stored; "
        f"{report.skipped} skipped; {report.rejected} rejected ({db}); "
        f"{report.articles_per_second:.1f} articles/s, {report.events_per_second:.1f} events/s",
        highlight=False,
        soft_wrap=True,
    )
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command("events")
def events_command(
    db: DbOption = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Source or target code prefix (IRN, USAGOV …).")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="First date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last date (YYYY-MM-DD).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1)] = None,
    output: Annotated[OutputFormat | None, typer.Option("--format", "-f")] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Where the event happened: ISO-3 code or name (IRQ).")
    ] = None,
    bbox: Annotated[
        str | None,
        typer.Option("--bbox", help="Events located inside min_lon,min_lat,max_lon,max_lat (degrees)."),
    ] = None,
) -> None:
    """List stored events, filtered by actor, date and place."""
    db = _existing_db(db)
    try:
        with Store(db, read_only=True) as store:
            records = store.events(
                actor=actor,
                since=_date_option(since, "--since"),
                until=_date_option(until, "--until"),
                limit=limit,
                country=_country_option(country),
                bbox=_bbox_option(bbox),
            )
    except TocsinError as error:
        raise _fail(str(error)) from error
    if not records:
        stderr.print("no events match", highlight=False)
        return
    _print_records(records, _default_format(output))


@app.command("quotes")
def quotes_command(
    paths: PathsArgument,
    default_date: DateOption = None,
    outlet: OutletOption = None,
    output: Annotated[OutputFormat | None, typer.Option("--format", "-f")] = None,
    allow_private_urls: AllowPrivateOption = False,
) -> None:
    """List the quotations in articles with speaker, cue, chain of sources and anonymity."""
    output = _default_format(output)
    rejected: list[Rejection] = []
    try:
        articles = _articles_reporting(
            paths, _date_option(default_date, "--date"), outlet, rejected, _allow_private(allow_private_urls)
        )
        for coded in code_articles(articles):
            records = [quote.to_dict() for quote in coded.quotes]
            if output is OutputFormat.table:
                table = Table(title=coded.article.title or coded.article.id)
                for column in ("kind", "speaker", "cue", "via", "quote"):
                    table.add_column(column, overflow="fold")
                for record in records:
                    speaker = record["speaker"] or {}
                    label = speaker.get("text", "")
                    if speaker.get("anonymous"):
                        label += " (anonymous)"
                    table.add_row(
                        "direct" if record["direct"] else "indirect",
                        label,
                        record["cue"] or "",
                        " → ".join(record["via"]),
                        record["text"],
                    )
                stdout.print(table)
            else:
                for record in records:
                    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    except TocsinError as error:
        raise _fail(str(error)) from error
    if rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command("actors")
def actors_command(
    paths: PathsArgument,
    output: Annotated[OutputFormat | None, typer.Option("--format", "-f")] = None,
    allow_private_urls: AllowPrivateOption = False,
) -> None:
    """List the actor mentions found in articles, with their codes and the rule behind each."""
    output = _default_format(output)
    rejected: list[Rejection] = []
    allow_private = _allow_private(allow_private_urls)
    try:
        for coded in code_articles(_articles_reporting(paths, None, None, rejected, allow_private)):
            if output is OutputFormat.table:
                table = Table(title=coded.article.title or coded.article.id)
                for column in ("mention", "code", "kind", "why"):
                    table.add_column(column, overflow="fold")
                for mention in coded.mentions:
                    table.add_row(mention.text, mention.code or "", mention.kind, mention.rule)
                stdout.print(table)
            else:
                for mention in coded.mentions:
                    record = {
                        **mention.to_dict(),
                        "kind": mention.kind,
                        "rule": mention.rule,
                        "span": [mention.start, mention.end],
                        "article_id": coded.article.id,
                    }
                    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    except TocsinError as error:
        raise _fail(str(error)) from error
    if rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command("eval")
def eval_command(
    data: Annotated[
        Path,
        typer.Argument(help="The reference data folder holding gold/, petrarch/ (and ../seed/)."),
    ],
    details: Annotated[bool, typer.Option("--details", help="Per-type tables and the misses.")] = False,
    lexicon: LexiconOption = None,
    dictionary: DictionaryOption = None,
) -> None:
    """Score tocsin against the gold sets: PLOVER recall, Wikinews CAMEO P/R/F1, PETRARCH records."""
    from tocsin.evaluate import run_all

    if not data.is_dir():
        raise _fail(f"{data}: not a folder")
    try:
        reports = run_all(data, options=_options(lexicon, dictionary))
    except TocsinError as error:
        raise _fail(str(error)) from error
    for name, report in reports.items():
        stdout.print(f"[bold]{name}[/]", highlight=False)
        stdout.print(report.render(details=details), highlight=False, markup=False)


class ExportFormat(str, Enum):
    """The formats `tocsin export` writes (see tocsin.export)."""

    gdelt = "gdelt"
    plover = "plover"
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


@app.command("export")
def export_command(
    output: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="gdelt, plover, parquet, csv or jsonl.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write; - for standard output.")],
    db: DbOption = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Source or target code prefix (IRN, USAGOV …).")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="First date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last date (YYYY-MM-DD).")] = None,
) -> None:
    """Export stored events as GDELT 2.0 rows, PLOVER JSON, Parquet, CSV or JSONL."""
    from tocsin.export import export_events

    db = _existing_db(db)
    try:
        with Store(db, read_only=True) as store:
            result = export_events(
                store,
                "-" if str(out) == "-" else out,
                format=output.value,
                actor=actor,
                since=_date_option(since, "--since"),
                until=_date_option(until, "--until"),
            )
    except (TocsinError, ValueError) as error:
        raise _fail(str(error)) from error
    skipped = f"; {result.skipped} without a {result.format} equivalent left out" if result.skipped else ""
    stderr.print(f"{result.events} events exported as {result.format} to {out}{skipped}", highlight=False)


@app.command("import-gdelt")
def import_gdelt_command(
    files: Annotated[list[Path], typer.Argument(help="GDELT 1.0/2.0 event exports (.CSV or .zip).")],
    db: DbOption = None,
) -> None:
    """Import GDELT event exports into the database, next to coded events (origin gdelt)."""
    from tocsin.ingest.gdelt import import_gdelt

    shown = 20
    printed = 0

    def report(rejection: Rejection) -> None:
        nonlocal printed
        printed += 1
        if printed <= shown:
            stderr.print(_rejection_line("rejected", rejection), highlight=False, soft_wrap=True)

    try:
        db = _db(db)
        with Store(db) as store:
            result = import_gdelt(store, files, on_rejection=report)
    except TocsinError as error:
        raise _fail(str(error)) from error
    if printed > shown:
        stderr.print(f"… and {printed - shown} more rejected (see the rejections table)", highlight=False)
    stderr.print(
        f"{result.rows} GDELT rows in {result.files} files: {result.added} events stored, "
        f"{result.already_stored} already stored, {result.rejected} rejected ({db})",
        highlight=False,
    )
    if result.rejections:
        raise typer.Exit(EXIT_REJECTED)


@app.command("people")
def people_command(
    db: DbOption = None,
    output: Annotated[OutputFormat | None, typer.Option("--format", "-f")] = None,
) -> None:
    """List what tocsin has learned about named people: code, evidence, first and last seen."""
    db = _existing_db(db)
    try:
        with Store(db, read_only=True) as store:
            people = [person.to_dict() for person in store.people().values()]
    except TocsinError as error:
        raise _fail(str(error)) from error
    chosen = _default_format(output)
    if chosen is OutputFormat.jsonl:
        for person in people:
            print(json.dumps(person, ensure_ascii=False))
        return
    if chosen is OutputFormat.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(people[0]) if people else ["name"])
        writer.writeheader()
        writer.writerows(people)
        return
    table = Table(title=f"{len(people)} people known", show_lines=False)
    for column in ("name", "code", "first seen", "last seen", "mentions", "evidence"):
        table.add_column(column)
    for person in people:
        table.add_row(
            person["name"],
            person["code"],
            person["first_seen"] or "",
            person["last_seen"] or "",
            str(person["mentions"]),
            person["evidence"],
        )
    Console().print(table)


class PeriodChoice(str, Enum):
    """The period of a series or of the detector."""

    day = "day"
    week = "week"


class ListFormat(str, Enum):
    """How series, alerts and backtests are printed."""

    table = "table"
    jsonl = "jsonl"


DyadOption = Annotated[
    str | None,
    typer.Option("--dyad", help="Source-target code prefixes, e.g. IRN-USA or IRNMIL-USA."),
]
SinceOption = Annotated[str | None, typer.Option("--since", help="First date (YYYY-MM-DD).")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Last date (YYYY-MM-DD).")]
ByOption = Annotated[PeriodChoice, typer.Option("--by", help="Period: day or week.")]
ThresholdOption = Annotated[
    float, typer.Option("--threshold", min=0.1, help="CUSUM decision threshold (robust deviations).")
]
BaselineOption = Annotated[
    int | None,
    typer.Option("--baseline", min=2, help="Periods forming the baseline [default: 8 weeks, 28 days]."),
]


def _warn_settings(by: PeriodChoice, threshold: float, baseline: int | None) -> WarnSettings:
    """The detector's settings from the command line (the other knobs keep their defaults)."""
    from tocsin.warn import WarnSettings

    chosen = {"baseline_periods": baseline} if baseline is not None else {}
    return WarnSettings.for_period(by.value, threshold=threshold, **chosen)


def _dyad_option(value: str | None) -> str | None:
    from tocsin.warn import parse_dyad

    if value is not None:
        try:
            parse_dyad(value)
        except ValueError as error:
            raise _fail(f"--dyad: {error}") from error
    return value


def _print_alert(alert: dict[str, Any]) -> None:
    """An alert as a headline, what moved, and a table of its evidence."""
    stdout.print(
        f"[bold red]{alert['dyad']}[/] {alert['kind']} — {alert['by']} of {alert['fired']} "
        f"(rising since {alert['start']}): score {alert['score']:.1f} ≥ {alert['threshold']:.1f}; "
        f"{alert['events']} conflict events in {alert['articles']} articles, "
        f"{alert['anonymous']} reports on anonymous sources",
        highlight=False,
    )
    stdout.print(f"  moved: {alert['summary']}", highlight=False)
    table = Table(show_lines=False, expand=False)
    for column in ("date", "event", "according to", "sentence"):
        table.add_column(column, overflow="fold")
    for item in alert["evidence"]:
        sentence = item["sentence"]
        table.add_row(
            item["date"] or "",
            f"{item['source']}→{item['target']} {item['cameo']} (Q{item['quad_class']}, "
            f"{item['goldstein']:+.1f}) ×{item['num_articles']}",
            item["source_chain"],
            sentence if len(sentence) <= 120 else sentence[:117] + "…",
        )
    stdout.print(table)


@app.command("alerts")
def alerts_command(
    db: DbOption = None,
    dyad: DyadOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    detect: Annotated[
        bool, typer.Option("--detect/--no-detect", help="Run the detector over the stored events first.")
    ] = True,
    by: ByOption = PeriodChoice.week,
    threshold: ThresholdOption = 4.0,
    baseline: BaselineOption = None,
    output: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """List escalation alerts with what moved and their evidence (detecting new ones first)."""
    from tocsin.warn import detect_alerts, empty_reason

    path = _existing_db(db)
    dyad = _dyad_option(dyad)
    first, last = _date_option(since, "--since"), _date_option(until, "--until")
    try:
        with Store(path, read_only=not detect) as store:
            if detect:
                detect_alerts(store, settings=_warn_settings(by, threshold, baseline), dyad=dyad)
            records = store.alerts(dyad=dyad, since=first, until=last)
            reason = "" if records else empty_reason(store, dyad=dyad, since=first, until=last)
    except (TocsinError, ValueError) as error:
        raise _fail(str(error)) from error
    if not records:
        stderr.print(f"no alerts: {reason or 'no escalation detected'}", highlight=False)
        return
    for record in records:
        if output is ListFormat.jsonl:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            _print_alert(record)


@app.command("series")
def series_command(
    db: DbOption = None,
    dyad: DyadOption = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Source or target code prefix.")] = None,
    by: ByOption = PeriodChoice.week,
    both: Annotated[
        bool, typer.Option("--both-directions", help="Count the dyad's events either way.")
    ] = False,
    since: SinceOption = None,
    until: UntilOption = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Draw the series to this image file.")] = None,
    output: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """Print a dyad's or an actor's event series per day or week: counts by QuadClass, Goldstein
    sum and mean, material conflict share, and per thousand coded events of the period."""
    from tocsin.warn import empty_reason, material_conflict_dates, plot_series, series

    if dyad is None and actor is None:
        raise _fail("give --dyad (e.g. IRN-USA) or --actor (e.g. IRN)")
    path = _existing_db(db)
    dyad = _dyad_option(dyad)
    first, last = _date_option(since, "--since"), _date_option(until, "--until")
    try:
        with Store(path, read_only=True) as store:
            points = series(
                store, dyad=dyad, actor=actor, by=by.value, since=first, until=last, both_directions=both
            )
            if not points:
                reason = empty_reason(store, dyad=dyad, actor=actor, since=first, until=last)
                stderr.print(f"empty series: {reason}", highlight=False)
                return
            alerts = store.alerts(dyad=dyad, since=first, until=last) if dyad else []
            marked = material_conflict_dates(
                store, dyad=dyad, actor=actor, since=first, until=last, both_directions=both
            )
    except (TocsinError, ValueError) as error:
        raise _fail(str(error)) from error
    records = [point.to_dict() for point in points]
    if output is ListFormat.jsonl:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        table = Table(title=f"{dyad or actor} per {by.value}")
        shown = {
            "period": "period",
            "events": "events",
            "verbal_cooperation": "Q1",
            "material_cooperation": "Q2",
            "verbal_conflict": "Q3",
            "material_conflict": "Q4",
            "goldstein_sum": "Goldstein Σ",
            "goldstein_mean": "mean",
            "material_conflict_share": "MC share",
            "events_per_1k": "events/1k",
            "total_events": "all events",
        }
        for header in shown.values():
            table.add_column(header, justify="right")
        for r in records:
            table.add_row(*("" if r[key] is None else str(r[key]) for key in shown))
        stdout.print(table)
    if plot is not None:
        try:
            written = plot_series(
                points, plot, title=f"{dyad or actor} per {by.value}", alerts=alerts, marked=marked
            )
        except (OSError, ValueError) as error:
            raise _fail(f"{plot}: cannot draw the plot: {error}") from error
        stderr.print(f"plot written to {written}", highlight=False)


def _every_seconds(value: str) -> float:
    """Seconds from `--every`: 30s, 15m, 1h (a bare number is seconds)."""
    import re

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", value.lower())
    if match is None or float(match.group(1)) <= 0:
        raise _fail(f"--every: expected a duration such as 30s, 15m or 1h, not {value!r}")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


@app.command("watch")
def watch_command(
    paths: PathsArgument,
    db: DbOption = None,
    every: Annotated[str, typer.Option("--every", help="Time between cycles: 30s, 15m, 1h.")] = "15m",
    cycles: Annotated[
        int | None, typer.Option("--cycles", min=1, help="Stop after this many cycles (default: never).")
    ] = None,
    default_date: DateOption = None,
    by: ByOption = PeriodChoice.week,
    threshold: ThresholdOption = 4.0,
    baseline: BaselineOption = None,
    allow_private_urls: AllowPrivateOption = False,
) -> None:
    """Keep ingesting feeds and folders, and print new alerts as they appear (Ctrl-C stops)."""
    import time

    from tocsin.ingest.run import IngestSettings, ingest
    from tocsin.warn import detect_alerts

    seconds = _every_seconds(every)
    warn_settings = _warn_settings(by, threshold, baseline)
    ingest_settings = IngestSettings(
        read=ReadOptions(allow_private=_allow_private(allow_private_urls)),
        default_date=_date_option(default_date, "--date"),
    )
    path = _db(db)
    cycle = 0
    try:
        with Store(path) as store:
            options = _options(None)
            while True:
                cycle += 1
                options.known_people = store.people()
                report = ingest(
                    paths,
                    store,
                    ingest_settings,
                    options,
                    notice=lambda kind, rejection: stderr.print(
                        _rejection_line(kind, rejection), highlight=False, soft_wrap=True
                    ),
                )
                new = store.add_alerts(detect_alerts(store, settings=warn_settings, save=False))
                stderr.print(
                    f"cycle {cycle}: {report.added} articles stored with {report.events} events; "
                    f"{len(new)} new alerts",
                    highlight=False,
                )
                for alert in new:
                    _print_alert(alert.to_dict())
                if cycles is not None and cycle >= cycles:
                    break
                time.sleep(seconds)
    except KeyboardInterrupt:
        stderr.print(f"stopped after {cycle} cycles", highlight=False)
    except TocsinError as error:
        raise _fail(str(error)) from error


@app.command("backtest")
def backtest_command(
    db: DbOption = None,
    episodes: Annotated[
        Path | None,
        typer.Option("--episodes", help="Known episodes: CSV with a header dyad,start,end[,label]."),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    by: ByOption = PeriodChoice.week,
    threshold: ThresholdOption = 4.0,
    baseline: BaselineOption = None,
    output: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """Replay the stored events day by day: when each alert came, how long before the peak of
    material conflict, and precision and recall against known episodes."""
    from tocsin.warn import backtest, read_episodes

    path = _existing_db(db)
    first, last = _date_option(since, "--since"), _date_option(until, "--until")
    try:
        known = read_episodes(episodes) if episodes is not None else []
        with Store(path, read_only=True) as store:
            result = backtest(
                store,
                settings=_warn_settings(by, threshold, baseline),
                episodes=known,
                since=first,
                until=last,
            )
    except (TocsinError, ValueError) as error:
        raise _fail(str(error)) from error
    if not result.days:
        stderr.print("nothing to replay: no dated events in the database or the range", highlight=False)
        return
    if output is ListFormat.jsonl:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return
    table = Table(title=f"backtest: {result.days} days replayed")
    for column in ("raised on", "dyad", "rising since", "peak", "lead (days)", "episodes", "what moved"):
        table.add_column(column, overflow="fold")
    for alert in result.alerts:
        lead = alert["lead_days"]
        table.add_row(
            alert["raised_on"],
            alert["dyad"],
            alert["start"],
            alert["peak"] or "",
            "" if lead is None else str(lead),
            ", ".join(alert["episodes"]),
            alert["summary"],
        )
    stdout.print(table)
    rate = 100 * len(result.alerts) / result.dyad_periods if result.dyad_periods else 0.0
    line = f"{len(result.alerts)} alerts; {rate:.2f} per 100 dyad-{by.value}s"
    if result.episodes:
        precision = "–" if result.precision is None else f"{result.precision:.2f}"
        recall = "–" if result.recall is None else f"{result.recall:.2f}"
        line += f"; precision {precision}, recall {recall}"
        line += f" ({result.episodes_found} of {result.episodes} episodes)"
    stdout.print(line, highlight=False)


@app.command("serve")
def serve_command(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    max_body_bytes: Annotated[
        int | None,
        typer.Option("--max-body-bytes", min=1, help="Largest request body (default: settings, else 2 MB)."),
    ] = None,
    lexicon: LexiconOption = None,
    dictionary: DictionaryOption = None,
    allow_private_urls: AllowPrivateOption = False,
) -> None:
    """Serve the REST API (/api, schema at /openapi.json) and the dashboard over the database. It
    holds the database open for writing: add articles through POST /api/articles meanwhile."""
    import uvicorn

    from tocsin.web.app import DEFAULT_MAX_BODY_BYTES, create_app

    settings = _settings()
    path = _db(db)
    try:
        Store(path).close()  # a locked, foreign or newer database fails here, in one line
        options = _options(lexicon, dictionary)
    except TocsinError as error:
        raise _fail(str(error)) from error
    web = create_app(
        path,
        api_token=settings.api_token,
        max_body_bytes=max_body_bytes or settings.max_body_bytes or DEFAULT_MAX_BODY_BYTES,
        options=options,
        allow_private_urls=_allow_private(allow_private_urls),
    )
    writing = "on (api_token set)" if settings.api_token else "off (no api_token configured)"
    stderr.print(f"serving {path} at http://{host}:{port}/ — writing {writing}", highlight=False)
    if host not in ("127.0.0.1", "localhost", "::1"):
        stderr.print(
            f"[yellow]warning:[/] listening on {host}, not only this machine; the server speaks plain HTTP",
            highlight=False,
        )
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False)


def main() -> None:
    """Entry point of the `tocsin` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
