"""The archive's SQLite schema: tables, migrations (each run in one transaction), the
connection, the one writer's lock, and leaving WAL for publishing.

The schema is documented for researchers in README.md ("The schema"); table and column
names are a public contract: add freely, rename only with a migration.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import sqlite_utils

from ..errors import DatabaseError
from ..search import create_bigrams, create_fts, fold, index_bigrams

SCHEMA_VERSION = 4  # 4: traditional characters folded into simplified in the indexes (search.fold)
# 2: image_path relative to the database's directory; confidence_band


# 3: articles_bigrams, a contentless FTS5 index of character pairs (archive.search)

TABLES = {
    # An issue: the pages of one title, date and edition; a page without a title and
    # date is an issue of its own source file (key "source:PATH").
    "issues": {
        "columns": {"id": int, "key": str, "title": str, "date": str, "edition": str, "label": str},
        "foreign_keys": [],
        "indexes": [["title", "date"], ["date"]],
    },
    "pages": {
        "columns": {
            "id": int, "source_path": str, "image_path": str, "sha256": str, "page_number": int,
            "width": int, "height": int, "dpi": int, "source_kind": str, "ocr_engine": str,
            "mean_confidence": float, "skew_degrees": float, "status": str, "error": str,
            "title": str, "date": str, "ingested_at": str, "confidence_band": str,
            "timings": str, "layout": str, "encoding": str, "source_pages": int, "edition": str,
            "page_label": str, "issue_id": int,
        },
        "foreign_keys": [],
        "indexes": [["sha256"], ["source_path", "page_number"], ["status"], ["date"], ["confidence_band"]],
    },
    "articles": {
        "columns": {
            "id": int, "page_id": int, "reading_order": int, "headline": str, "kicker": str,
            "subtitle": str, "byline": str, "authors": str, "body": str, "notes": str,
            "advertisement": int, "x": float, "y": float, "w": float, "h": float,
            "search_text": str,
        },
        "foreign_keys": [("page_id", "pages", "id")],
        "indexes": [["page_id", "reading_order"], ["advertisement"]],
    },
    "captions": {
        "columns": {
            "id": int, "article_id": int, "page_id": int, "text": str, "credit": str,
            "x": float, "y": float, "w": float, "h": float,
        },
        "foreign_keys": [("article_id", "articles", "id"), ("page_id", "pages", "id")],
        "indexes": [["article_id"], ["page_id"], ["credit"]],
    },
    "blocks": {
        "columns": {
            "id": int, "page_id": int, "article_id": int, "kind": str, "text": str,
            "x": float, "y": float, "w": float, "h": float, "confidence": float,
            "reading_order": int, "font_size": float, "region": int,
        },
        "foreign_keys": [("page_id", "pages", "id"), ("article_id", "articles", "id")],
        "indexes": [["page_id", "reading_order"], ["article_id"], ["kind"]],
    },
    "lines": {
        "columns": {
            "id": int, "page_id": int, "block_id": int, "article_id": int, "line_number": int,
            "text": str, "x": float, "y": float, "w": float, "h": float, "confidence": float,
            "words": str,
        },
        "foreign_keys": [("page_id", "pages", "id"), ("block_id", "blocks", "id"),
                         ("article_id", "articles", "id")],
        "indexes": [["block_id", "line_number"], ["page_id"], ["article_id"]],
    },
    "repairs": {
        "columns": {
            "id": int, "page_id": int, "article_id": int, "kind": str, "before": str,
            "after": str, "detail": str, "x": float, "y": float, "w": float, "h": float,
        },
        "foreign_keys": [("page_id", "pages", "id"), ("article_id", "articles", "id")],
        "indexes": [["page_id"], ["article_id"], ["kind"]],
    },
    # A story jumped to another page of its issue (（下转第2版）, "Continued on page 4"):
    # the part that says where it goes, and the part that goes on there.
    "article_links": {
        "columns": {
            "id": int, "from_article_id": int, "to_article_id": int, "kind": str, "note": str,
            "from_page": int, "to_page": int,
        },
        "foreign_keys": [("from_article_id", "articles", "id"), ("to_article_id", "articles", "id")],
        "indexes": [["from_article_id"], ["to_article_id"]],
    },
}


# Children first: the order rows are deleted in when a page is replaced.
CHILD_TABLES = ("repairs", "captions", "lines", "blocks", "articles")


def open_db(path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(path)
    _fault_injection(db)
    try:
        # Another process may hold the write lock for a moment (a second ingest creating
        # the schema, a reader checkpointing): wait for it rather than fail.
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # WAL: a server reading the archive while an ingest writes it never waits for
        # the writer nor sees a page half-written.
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA foreign_keys = ON")
        ensure_schema(db)
    except sqlite3.DatabaseError as e:
        db.conn.close()
        raise DatabaseError(f"{path}: cannot open as an archive: {e}") from e
    return db


BUSY_TIMEOUT_MS = 60_000


@contextlib.contextmanager
def writer_lock(path, on_wait=None):
    """Hold the archive for this writer for the whole run: a second ingest into the same
    archive waits (``on_wait`` is called once, to say so) and then goes on, so nothing
    is lost and no run dies half-way on "database is locked". A BSD lock on the
    database file itself, which SQLite's own (POSIX) locks do not see."""
    import fcntl

    try:
        f = open(path, "ab")  # made when it is new: an empty file is an empty archive to SQLite
    except OSError as e:
        raise DatabaseError(f"{path}: cannot open: {e.strerror or e}") from e
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def migrate_for_serving(path) -> bool:
    """Bring an archive made by an older version up to this one's schema before it is
    served (the server only reads, and its views expect today's tables). Skipped, and
    False, when an ingest holds the archive: that ingest migrates it. A read-only file is
    served as it is."""
    import fcntl
    import os

    if not os.access(path, os.W_OK):
        return False
    with open(path, "ab") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        try:
            db = open_db(path)
            db.conn.close()
            checkpoint(path)
            return True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create or migrate the archive's schema in one transaction: a run killed at any
    statement leaves the schema as it was, and the next run makes it whole (the
    full-text table and the triggers that keep it in step come together)."""
    with db.atomic():
        for name, spec in TABLES.items():
            table = db[name]
            if not table.exists():
                table.create(spec["columns"], pk="id", foreign_keys=spec["foreign_keys"])
                for cols in spec["indexes"]:
                    table.create_index(cols, if_not_exists=True)
            else:
                missing = {c: t for c, t in spec["columns"].items() if c not in table.columns_dict}
                for c, t in missing.items():
                    table.add_column(c, t)
        db.execute("create unique index if not exists issues_key on issues (key)")
        db.execute("create index if not exists idx_pages_issue_id on pages (issue_id)")
        if db.execute("PRAGMA user_version").fetchone()[0] < 2:
            _migrate_to_2(db)
        for row in list(db.query("select id, source_path, title, date, edition from pages where issue_id is null")):
            db.execute("update pages set issue_id = ? where id = ?", [issue_id(db, row["source_path"], row), row["id"]])
        if not db["articles_fts"].exists():
            create_fts(db)
        if not db["articles_bigrams"].exists():
            create_bigrams(db)
        if db.execute("PRAGMA user_version").fetchone()[0] < 4:
            _migrate_to_4(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


FAULT_ENV = "ARCHIVE_KILL_AT_STATEMENT"


def _fault_injection(db: sqlite_utils.Database) -> None:
    """A test hook: with ARCHIVE_KILL_AT_STATEMENT=N in the environment, the process
    is killed (SIGKILL, as a crash or the OOM killer would) as its N-th SQL statement
    starts, so a test can stop the writer at every statement in turn; with =count it
    says on stderr how many statements the run made."""
    import os

    at = os.environ.get(FAULT_ENV)
    if not at:
        return
    import signal

    count = [0]
    if at == "count":  # how many statements this run makes, on stderr at exit
        import atexit
        import sys

        atexit.register(lambda: print(f"{FAULT_ENV}: {count[0]} statements", file=sys.stderr))

    def trace(_sql):
        count[0] += 1
        if count[0] == (int(at) if at != "count" else 0):
            os.kill(os.getpid(), signal.SIGKILL)

    db.conn.set_trace_callback(trace)


def _migrate_to_4(db: sqlite_utils.Database) -> None:
    """Version 4 folds traditional characters into simplified ones in the indexes (臺灣
    finds 台湾): each article's search text folded, both indexes told."""
    for row in list(db.query("select id, search_text from articles where search_text is not null")):
        new = fold(row["search_text"])
        if new != row["search_text"]:
            index_bigrams(db, row["id"], row["search_text"], delete=True)
            db.execute("update articles set search_text = ? where id = ?", [new, row["id"]])
            index_bigrams(db, row["id"], new)


def _migrate_to_2(db: sqlite_utils.Database) -> None:
    """Version 1 stored absolute image paths; the archive now moves as one directory."""
    for row in list(db.query("select id, image_path, mean_confidence from pages")):
        db["pages"].update(row["id"], {
            "image_path": relative_image_path(db, row["image_path"]),
            "confidence_band": confidence_band(row["mean_confidence"]),
        })


def db_directory(db: sqlite_utils.Database) -> Path | None:
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main" and row[2]:
            return Path(row[2]).resolve().parent
    return None


def relative_image_path(db: sqlite_utils.Database, path: str | None) -> str | None:
    """Image paths are stored relative to the database's directory, so the page-image
    route can refuse anything outside it."""
    if not path:
        return path
    base = db_directory(db)
    p = Path(path).resolve()
    if base is not None and p.is_relative_to(base):
        return p.relative_to(base).as_posix()
    return str(p)


# OCR confidence bands for faceting: Tesseract's word confidences cluster above 90
# on clean print; below 70 a page usually needs a human look.
CONFIDENCE_BANDS = ((90, "high (90+)"), (70, "medium (70-90)"), (0, "low (<70)"))


def confidence_band(mean: float | None) -> str:
    if mean is None:
        return "none (text layer or text)"
    return next(label for floor, label in CONFIDENCE_BANDS if mean >= floor)


def issue_id(db: sqlite_utils.Database, source_path: str, meta: dict) -> int:
    """The id of the issue a page belongs to, made when it is new."""
    title, date, edition = meta.get("title"), meta.get("date"), meta.get("edition") or "1"
    if title and date:
        key, label = f"{title}|{date}|{edition}", f"{title}, {date}" + (f" ({edition})" if edition != "1" else "")
    else:
        key, label = f"source:{source_path}", Path(source_path).name
        title = date = edition = None
    db.execute("insert or ignore into issues (key, title, date, edition, label) values (?, ?, ?, ?, ?)",
               [key, title, date, edition, label])
    return db.execute("select id from issues where key = ?", [key]).fetchone()[0]


def checkpoint(path) -> None:
    """Fold the write-ahead log into the database file at the end of a run, so that the
    file alone is the whole archive (to copy, back up or serve --immutable)."""
    db = sqlite_utils.Database(path)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.conn.close()


def prepare_for_publishing(path) -> None:
    """Leave WAL mode: Datasette's immutable mode ignores a WAL."""
    db = sqlite_utils.Database(path)
    try:
        if db.journal_mode == "wal":
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.disable_wal()
    except sqlite3.OperationalError as e:
        raise DatabaseError(f"{path}: in use by another process ({e}); an archive is served "
                            "--immutable only when nothing else has it open") from e
    finally:
        db.conn.close()


def write_inspect_file(path) -> Path:
    """Datasette's inspect data (table row counts, file hash) for an immutable database,
    so serving never counts rows of a large archive at start-up."""
    import asyncio

    from datasette.cli import inspect_

    path = Path(path)
    out = path.with_name(path.name + ".inspect.json")
    if out.exists() and out.stat().st_mtime >= path.stat().st_mtime:
        return out  # the archive has not changed since: no need to hash it again
    data = asyncio.run(inspect_([str(path)], []))
    out.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return out
