"""The ``archive`` command. The library raises typed errors; this layer alone turns
them into one line on stderr and the README's exit codes (``ArchiveGroup.main``)."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import time
import warnings
from pathlib import Path

import click

from .errors import ArchiveError, ExitCode
from .model import Options, RepairKind


def one_line(text) -> str:
    """A message as one line: a file name may hold a newline or a control character."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


class ArchiveGroup(click.Group):
    """Every command's errors end here, mapped to exit codes by type, never by text."""

    def main(self, args=None, prog_name=None, **extra):
        extra.pop("standalone_mode", None)
        try:
            rv = super().main(args=args, prog_name=prog_name, standalone_mode=False, **extra)
        except click.UsageError as e:  # click's own code is 2, which here means "an input file failed"
            e.show()
            sys.exit(ExitCode.bad_args)
        except click.ClickException as e:
            e.show()
            sys.exit(e.exit_code)
        except click.Abort:  # click's form of Ctrl-C
            click.echo("interrupted: what was committed is kept; run the same command again to finish",
                       err=True)
            sys.exit(ExitCode.ctrl_c)
        except ArchiveError as e:
            sys.exit(_report(e, e.exit_code))
        except sqlite3.Error as e:
            sys.exit(_report(f"database: {e}", ExitCode.database))
        except KeyboardInterrupt:
            click.echo("interrupted: what was committed is kept; run the same command again to finish",
                       err=True)
            sys.exit(ExitCode.ctrl_c)
        sys.exit(rv if isinstance(rv, int) else ExitCode.ok)


def _report(message, code: int) -> int:
    click.echo(f"Error: {one_line(message)}", err=True)
    if logging.getLogger().isEnabledFor(logging.DEBUG):
        import traceback

        traceback.print_exc()
    return int(code)


@click.group(cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newspaper-archive")
@click.option("-v", "--verbose", is_flag=True, help="Log each stage to stderr, with tracebacks.")
def cli(verbose):
    """Scanned newspaper pages in, clean searchable articles out.

    \b
    archive ingest raw_pages seeds --db archive.db
    archive serve --db archive.db

    \b
    Exit status: 0 ok; 1 bad arguments; 2 an input file could not be read (the rest
    were stored); 3 a missing program or Tesseract language; 4 the archive cannot be
    opened or written (not SQLite, in use, disk full); 5 the Dask scheduler cannot be
    reached; 15 a page failed for a reason that is not its file's (a bug: please report
    it); 130 interrupted.
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        # A library's warning (numpy, Pillow) would break the one-line-per-problem
        # promise; -v shows them.
        warnings.filterwarnings("ignore")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The archive's SQLite file; created when missing.")
@click.option("--lang", default="chi_sim+eng", show_default=True,
              help="Tesseract languages joined by '+'; each page is read with the one it is written in "
                   "(read with the CJK one first; a page found to be Latin is read again).")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="PDFs: use the text layer when there is one (auto), always OCR the page image, or never OCR.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Pages processed in parallel (processes). Default: the number of cores.")
@click.option("--executor", type=click.Choice(["processes", "dask"]), default="processes", show_default=True,
              help="Where pages are processed: a local process pool, or a Dask distributed cluster.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="With --executor dask: the scheduler's address. Workers need this package and the "
                   "files at the same paths. Without it, a local cluster of --workers processes is started.")
@click.option("--dpi", type=click.IntRange(min=50, max=1200), default=None,
              help="Resolution of image files that do not record theirs. Default: estimated from the type size.")
@click.option("--images", "image_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where page images for the published archive are written: a folder inside the "
                   "archive's own folder (the archive moves, and is served, as one folder). "
                   "Default: FILE.images beside --db.")
@click.option("--engine", default="tesseract", show_default=True,
              help="The OCR engine: tesseract, or one a plugin adds (see --plugin).")
@click.option("--engine-option", "engine_options", multiple=True, metavar="KEY=VALUE",
              help="An option for the OCR engine, repeatable. Tesseract: threads=N (OpenMP threads of each "
                   "Tesseract process, default 1: pages run in parallel instead), psm=N (page segmentation "
                   "mode of a block, default 6).")
@click.option("--plugin", "plugins", multiple=True, metavar="MODULE_OR_FILE",
              help="Load a plugin (a module name or a .py file) for this run, e.g. another OCR engine. "
                   "Repeatable; installed plugins (entry point 'archive') load without it.")
@click.option("--force", is_flag=True,
              help="Read files again even when unchanged: after an upgrade, to store what the new "
                   "release finds (their old rows are replaced).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def ingest(paths, db_path, lang, ocr, workers, executor, scheduler, dpi, image_dir, engine, engine_options,
           plugins, force, quiet):
    """Read, lay out, OCR, clean and segment pages, and store them in the archive.

    PATHS are files or directories (walked): PNG, JPEG, TIFF, PDF, and .txt OCR text.
    A file already ingested unchanged (same SHA-256) is skipped unless --force; a changed
    file replaces its old rows in one transaction. A file that cannot be read is reported
    on one line (error: FILE: reason), recorded in the pages table with status 'error',
    and the batch goes on; the exit status is then 2 (15 when the cause was a bug or a
    worker that died, not the file).

    Pages run in parallel (--workers, or on a Dask cluster with --executor dask); this
    process alone writes the archive, one transaction per file, so an interrupted run
    can simply be run again.

    Example:

    \b
        archive ingest raw_pages seeds --db archive.db --workers 2
        archive ingest /mnt/scans --db archive.db --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from . import batch
    from .plugins import engine_names

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler is for --executor dask")
    if engine not in engine_names(plugins):
        raise click.BadParameter(f"{engine!r} is not an engine; installed: {', '.join(engine_names(plugins))}",
                                 param_hint="--engine")
    bad = [o for o in engine_options if "=" not in o]
    if bad:
        raise click.BadParameter(f"{bad[0]!r} is not KEY=VALUE", param_hint="--engine-option")
    if image_dir is not None and not image_dir.resolve().is_relative_to(db_path.resolve().parent):
        raise click.BadParameter(f"{image_dir} is outside the archive's folder {db_path.resolve().parent}: "
                                 "its images could never be served", param_hint="--images")
    options = Options(lang=lang, ocr=ocr, dpi=dpi, engine=engine, plugins=tuple(plugins),
                      engine_options=dict(o.split("=", 1) for o in engine_options),
                      image_dir=str((image_dir or db_path.with_name(db_path.name + ".images")).resolve()))
    bar = None
    tty = sys.stderr.isatty()
    last_line = [0.0]

    def on_page(src, done, total):
        nonlocal bar
        if quiet:
            return
        if not tty:  # a log, not a terminal: a line now and then, and the last one
            now = time.monotonic()
            if done == total or now - last_line[0] >= 10 or done == 1:
                last_line[0] = now
                click.echo(f"pages {done}/{total}", err=True)
            return
        if bar is None:
            bar = click.progressbar(length=total, label="pages", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(1)

    def on_file(outcome):
        if outcome.errors:
            if bar is not None:
                click.echo("", err=True)
            for err in outcome.errors:
                click.echo(f"error: {one_line(err)}", err=True)

    try:
        outcomes = batch.ingest(paths, db_path, options, workers=workers, executor=executor,
                                scheduler=scheduler, on_page=on_page, on_file=on_file, force=force,
                                on_wait=lambda: click.echo(f"waiting: another ingest is writing {db_path}", err=True))
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    counts = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    click.echo(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no files found", err=True)
    return max((o.exit_code for o in outcomes), default=ExitCode.ok)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print articles and repairs as JSON on stdout.")
@click.option("--diff", "as_diff", is_flag=True, help="Print every repair as a diff an archivist can review.")
def clean(file, as_json, as_diff):
    """Clean up and segment a plain OCR text stream (one page, like seeds/*.txt).

    Joins words and paragraphs that column breaks cut, lifts captions out of the running
    text, finds headlines (also one printed after its body), bylines, crossheads, notes
    and advertisements. Every change is listed as a repair.

    Example:

    \b
        archive clean seeds/000_c24c6819f75a4cba.txt --json
        archive clean seeds/000_c24c6819f75a4cba.txt --diff
    """
    from . import pipeline

    result = pipeline.clean_text_file(file)
    if as_json:
        click.echo(json.dumps({
            "source": str(file),
            "articles": [a.to_dict() for a in result.articles],
            "repairs": [r.to_dict() for r in result.repairs],
        }, ensure_ascii=False, indent=1))
        return
    if as_diff:
        for r in result.repairs:
            click.echo(f"@@ {r.kind}: {r.detail}")
            for line in (r.before or "").split("\n"):
                click.echo(f"-{line}")
            if r.kind not in (RepairKind.CAPTION_EXTRACTED, RepairKind.WHITESPACE):
                for line in (r.after or "").split("\n"):
                    click.echo(f"+{line}")
        return
    for a in result.articles:
        click.echo(("[广告] " if a.advertisement else "") + (a.headline or "(no headline)"))
        if a.kicker:
            click.echo(f"  kicker: {a.kicker}")
        if a.byline:
            click.echo(f"  byline: {a.byline}")
        click.echo(f"  {len(a.blocks)} paragraphs, {len(a.captions)} captions")
    click.echo(f"{len(result.repairs)} repairs", err=True)


@cli.command()
@click.option("--format", "fmt", required=True, type=click.Choice(["alto", "page", "hocr", "mets"]),
              help="alto: ALTO 4.4 per page; page: PAGE-XML 2019 per page (cleanup's joins as relations); "
                   "hocr: hOCR per page; mets: an issue METS per issue, with the ALTO of its pages.")
@click.option("--db", "db_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The archive's SQLite file.")
@click.option("--page", "page_ids", type=int, multiple=True, help="Only this page id (repeatable). Default: every page.")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def export(fmt, db_path, page_ids, out_dir):
    """Write stored pages in an archival format into OUT_DIR.

    Every page's blocks in reading order, lines and words with boxes and confidences,
    and its articles: as ALTO StructureTags, PAGE region types and relations, hOCR
    classes, or METS ARTICLE divs pointing into the ALTO blocks. Image references are
    relative to OUT_DIR.

    Example:

    \b
        archive export --format mets --db archive.db out/
        archive export --format page --db archive.db out/ --page 3 --page 4
    """
    from . import export as exporter

    files = exporter.export(db_path, out_dir, fmt, page_ids,
                            on_file=lambda p: click.echo(str(p)))
    click.echo(f"{len(files)} files written", err=True)


@cli.command()
@click.option("--db", "db_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The archive's SQLite file, as built by 'archive ingest'.")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--metadata", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Datasette metadata. Default: metadata.yml of this project.")
@click.option("--get", "get_path", default=None, help="Answer one request for this path, print it and exit.")
@click.option("--public", is_flag=True,
              help="Publish to the world: robots.txt allows crawling, /sitemap.xml lists every article, and "
                   "no page or JSON names a folder of this server (paths read as file names). "
                   "Without it robots.txt disallows everything.")
@click.option("--immutable", is_flag=True,
              help="Serve a finished archive that nothing writes to any more: row counts are read once "
                   "(an inspect file beside the database) and SQLite skips its locks. Without it the "
                   "server follows the file, so pages an ingest adds while it runs appear at once.")
@click.option("--download/--no-download", default=False, show_default=True,
              help="Offer the whole database file for download (/archive.db); a file being written "
                   "is never offered, so this serves it --immutable.")
def serve(db_path, port, host, metadata, get_path, public, immutable, download):
    """Publish the archive with Datasette: search, articles, page images, SQL.

    Served read-only with a 3-second SQL time limit. By default the server follows the
    file: 'archive ingest' may add to the archive while it is served, and what it adds
    appears without a restart. Article view: /-/archive/article/ID; page view:
    /-/archive/page/ID.

    Example:

    \b
        archive serve --db archive.db --port 8001
        archive serve --db archive.db --immutable --public --download
    """
    from datasette import cli as ds_cli

    from .store import migrate_for_serving, prepare_for_publishing, write_inspect_file

    migrate_for_serving(db_path)
    os.environ["ARCHIVE_PUBLIC"] = "1" if public else "0"
    metadata = metadata or _default_metadata()
    if immutable or download:
        prepare_for_publishing(db_path)
        args = ["-i", str(db_path), "--inspect-file", str(write_inspect_file(db_path))]
    else:
        args = [str(db_path)]
    args += ["--port", str(port), "--host", host, "--setting", "sql_time_limit_ms", "3000",
             "--setting", "allow_download", "on" if download else "off"]
    if metadata:
        args += ["--metadata", str(metadata)]
    if get_path:
        args += ["--get", get_path]
    ds_cli.serve.main(args=args, prog_name="archive serve", standalone_mode=True)


def _default_metadata() -> Path | None:
    for candidate in (Path.cwd() / "metadata.yml", Path(__file__).resolve().parent.parent / "metadata.yml"):
        if candidate.exists():
            return candidate
    return None


if __name__ == "__main__":
    cli()
