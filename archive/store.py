"""Store: the archive's SQLite schema, and writing pages, each in one transaction.

The schema is documented for researchers in README.md ("The schema"); table and column
names are a public contract: add freely, rename only with a migration.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import sqlite_utils

from .errors import DatabaseError
from dataclasses import dataclass

from .model import (Article, Block, Caption, Kind, Line, Page, PageResult, Paragraph, ParagraphKind, Repair,
                    SourceKind, Word)
from .search import bigram_text, index_text

SCHEMA_VERSION = 3  # 2: image_path relative to the database's directory; confidence_band
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
            _create_fts(db)
        if not db["articles_bigrams"].exists():
            _create_bigrams(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _create_fts(db: sqlite_utils.Database) -> None:
    """The one-token-per-Han-character index over ``articles.search_text``, as
    sqlite-utils' ``enable_fts(create_triggers=True)`` makes it (so that Datasette finds
    it), but inside the caller's transaction: ``enable_fts`` runs a script, and a script
    commits what came before it."""
    db.execute("CREATE VIRTUAL TABLE [articles_fts] USING FTS5 (\n    [search_text],\n    tokenize='unicode61',\n"
               "    content=[articles]\n)")
    db.execute("INSERT INTO [articles_fts] (rowid, [search_text]) SELECT rowid, [search_text] FROM [articles]")
    db.execute("CREATE TRIGGER [articles_ai] AFTER INSERT ON [articles] BEGIN\n"
               "  INSERT INTO [articles_fts] (rowid, [search_text]) VALUES (new.rowid, new.[search_text]);\nEND")
    db.execute("CREATE TRIGGER [articles_ad] AFTER DELETE ON [articles] BEGIN\n"
               "  INSERT INTO [articles_fts] ([articles_fts], rowid, [search_text]) "
               "VALUES('delete', old.rowid, old.[search_text]);\nEND")
    db.execute("CREATE TRIGGER [articles_au] AFTER UPDATE ON [articles] BEGIN\n"
               "  INSERT INTO [articles_fts] ([articles_fts], rowid, [search_text]) "
               "VALUES('delete', old.rowid, old.[search_text]);\n"
               "  INSERT INTO [articles_fts] (rowid, [search_text]) VALUES (new.rowid, new.[search_text]);\nEND")


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


def _migrate_to_2(db: sqlite_utils.Database) -> None:
    """Version 1 stored absolute image paths; the archive now moves as one directory."""
    for row in list(db.query("select id, image_path, mean_confidence from pages")):
        db["pages"].update(row["id"], {
            "image_path": relative_image_path(db, row["image_path"]),
            "confidence_band": confidence_band(row["mean_confidence"]),
        })


def _create_bigrams(db: sqlite_utils.Database) -> None:
    """Schema 3. Contentless, so it costs the index and no second copy of the text; it
    is kept in step by this module (``_index_bigrams``), in the same transactions as
    the articles, since a contentless table can only forget what it is told again."""
    with db.atomic():
        db.execute("create virtual table articles_bigrams using fts5(text, content='', tokenize='unicode61')")
        for row in db.query("select id, search_text from articles"):
            _index_bigrams(db, row["id"], row["search_text"])


def _index_bigrams(db: sqlite_utils.Database, article_id: int, search_text: str | None,
                   delete: bool = False) -> None:
    # Both ways from the stored search_text, so a delete repeats exactly what was indexed.
    if delete:
        db.execute("insert into articles_bigrams(articles_bigrams, rowid, text) values ('delete', ?, ?)",
                   [article_id, bigram_text(search_text)])
    else:
        db.execute("insert into articles_bigrams(rowid, text) values (?, ?)", [article_id, bigram_text(search_text)])


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


def stored_pages(db: sqlite_utils.Database, source_path: str) -> dict[int, tuple[str | None, str]]:
    """What is stored for a source: page number -> (sha256, status)."""
    return {r["page_number"]: (r["sha256"], r["status"]) for r in db.query(
        "select page_number, sha256, status from pages where source_path = ?", [source_path])}


def pages_to_do(db: sqlite_utils.Database, source_path: str, sha: str, count: int) -> list[int]:
    """The pages of a source that still need reading: every page when the file changed,
    else those that failed or never finished (a run killed half-way through a long PDF
    resumes where it stopped). Rows of pages the file no longer has are dropped."""
    stored = stored_pages(db, source_path)
    with db.atomic():
        for number, (old_sha, _) in stored.items():
            if old_sha != sha or number > count:
                _delete_pages(db, source_path, number)
        db.execute("update pages set source_pages = ? where source_path = ?", [count, source_path])
    return [n for n in range(1, count + 1) if stored.get(n) != (sha, "ok")]


def unchanged(db: sqlite_utils.Database, source_path: str, sha: str) -> bool:
    """True when this exact file was ingested before and every page of it succeeded
    (a run killed half-way leaves some pages stored and others not)."""
    rows = list(db.query(
        "select status, source_pages from pages where source_path = ? and sha256 = ?", [source_path, sha]
    ))
    return (bool(rows) and all(r["status"] == "ok" for r in rows)
            and rows[0]["source_pages"] == len(rows))


def delete_source(db: sqlite_utils.Database, source_path: str) -> None:
    _delete_pages(db, source_path)


def _delete_pages(db: sqlite_utils.Database, source_path: str, page_number: int | None = None) -> int | None:
    """Delete a source's pages (or one of them) with everything on them; the id of the
    last page row deleted, so that a page read again keeps its id."""
    sql, args = "select id from pages where source_path = ?", [source_path]
    if page_number is not None:
        sql, args = sql + " and page_number = ?", args + [page_number]
    ids = [r["id"] for r in db.query(sql, args)]
    for pid in ids:
        db.execute("delete from article_links where from_article_id in (select id from articles where page_id = ?) "
                   "or to_article_id in (select id from articles where page_id = ?)", [pid, pid])
        for row in db.query("select id, search_text from articles where page_id = ?", [pid]):
            _index_bigrams(db, row["id"], row["search_text"], delete=True)
        for t in CHILD_TABLES:
            db.execute(f"delete from [{t}] where page_id = ?", [pid])
        db.execute("delete from pages where id = ?", [pid])
    return ids[-1] if ids else None


def _xywh(bbox) -> dict:
    if bbox is None:
        return {"x": None, "y": None, "w": None, "h": None}
    x0, y0, x1, y1 = bbox
    return {"x": round(x0, 1), "y": round(y0, 1), "w": round(x1 - x0, 1), "h": round(y1 - y0, 1)}


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


def write_source(db: sqlite_utils.Database, source_path: str, sha: str,
                 results: list[PageResult | tuple[int, str]], meta: dict | None = None) -> list[int]:
    """Replace everything stored for ``source_path`` by ``results``, in one transaction.

    A result is a ``PageResult`` or, for a page that failed, ``(page_number, error)``:
    the failure is stored as a page with status ``error`` so it can be found and retried.
    """
    meta = {"source_pages": len(results), **(meta or {})}
    with db.atomic():
        delete_source(db, source_path)
        return [write_page(db, source_path, sha, res, meta) for res in results]


def write_page(db: sqlite_utils.Database, source_path: str, sha: str | None,
               res: PageResult | tuple[int, str], meta: dict | None = None) -> int:
    """Store one page (or its failure, ``(page_number, error)``) in one transaction,
    replacing what was stored for that page; a page read again keeps its id, so a
    failed page's row is replaced, never repeated."""
    meta = meta or {}
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    number = res[0] if isinstance(res, tuple) else res.page.page_number
    with db.atomic():
        keep_id = _delete_pages(db, source_path, number)
        meta = {**meta, "issue_id": issue_id(db, source_path, meta)}
        if isinstance(res, tuple):
            return db["pages"].insert({
                "id": keep_id, "source_path": source_path, "sha256": sha, "page_number": number,
                "status": "error", "error": res[1], "ingested_at": now, **meta,
            }).last_pk
        return _write_page(db, res, source_path, sha, now, meta, keep_id)


def _write_page(db, res: PageResult, source_path, sha, now, meta, keep_id=None) -> int:
    p = res.page
    page_id = db["pages"].insert({
        "id": keep_id, "source_path": source_path, "image_path": relative_image_path(db, p.image_path), "sha256": sha,
        "page_number": p.page_number, "width": p.width, "height": p.height, "dpi": p.dpi,
        "source_kind": p.source_kind, "ocr_engine": p.ocr_engine, "layout": p.layout,
        "encoding": p.encoding,
        "mean_confidence": p.mean_confidence, "skew_degrees": p.skew_degrees,
        "confidence_band": confidence_band(p.mean_confidence),
        "timings": json.dumps(p.timings) if p.timings else None, "status": "ok", "error": None, "ingested_at": now, **meta,
    }).last_pk
    article_ids = []
    for a in res.articles:
        search_text = index_text("\n".join(filter(None, [
            a.kicker, a.headline, a.subtitle, a.byline, a.body,
            *[c.text for c in a.captions], *a.notes,
        ])))
        article_ids.append(db["articles"].insert({
            "page_id": page_id, "reading_order": a.reading_order, "headline": a.headline,
            "kicker": a.kicker, "subtitle": a.subtitle, "byline": a.byline,
            "authors": json.dumps(a.authors, ensure_ascii=False), "body": a.body,
            "notes": "\n".join(a.notes) or None, "advertisement": int(a.advertisement),
            "search_text": search_text, **_xywh(a.bbox),
        }).last_pk)
        _index_bigrams(db, article_ids[-1], search_text)
        db["captions"].insert_all(({
            "article_id": article_ids[-1], "page_id": page_id, "text": c.text,
            "credit": c.credit, **_xywh(c.bbox),
        } for c in a.captions), pk="id")

    def aid(index):
        return article_ids[index] if index is not None and 0 <= index < len(article_ids) else None

    # Explicit ids, so that lines can point at their blocks: the parent process is the
    # archive's only writer, inside this transaction.
    first = (db.execute("select max(id) from blocks").fetchone()[0] or 0) + 1
    db["blocks"].insert_all(({
        "id": first + n, "page_id": page_id, "article_id": aid(b.article), "kind": b.kind,
        "text": b.text or None, "confidence": b.confidence, "reading_order": n, "font_size": b.font_size,
        "region": b.region, **_xywh(b.bbox),
    } for n, b in enumerate(p.blocks)), pk="id")
    db["lines"].insert_all(({
        "page_id": page_id, "block_id": first + n, "article_id": aid(b.article), "line_number": k,
        "text": ln.text, **_xywh(ln.bbox),
        "confidence": round(sum(w.conf for w in ln.words) / len(ln.words), 1) if ln.words else None,
        "words": json.dumps([{k: round(v, 1) if isinstance(v, float) else v for k, v in w.to_dict().items()}
                             for w in ln.words], ensure_ascii=False),
    } for n, b in enumerate(p.blocks) for k, ln in enumerate(b.lines)), pk="id")
    db["repairs"].insert_all(({
        "page_id": page_id, "article_id": aid(r.article), "kind": r.kind, "before": r.before,
        "after": r.after, "detail": r.detail, **_xywh(r.bbox),
    } for r in res.repairs), pk="id")
    return page_id


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


# --- reading back --------------------------------------------------------------------------

@dataclass
class StoredPage:
    """A page as the archive holds it, back in the model: its blocks (with lines and
    words, ``Block.article`` an index into ``articles``) and articles in reading order,
    the repairs cleanup made, and what the pages row says besides (title, date...)."""

    id: int
    page: Page
    articles: list[Article]
    article_ids: list[int]
    repairs: list[Repair]
    row: dict


def load_page(db: sqlite_utils.Database, page_id: int) -> StoredPage | None:
    """One stored page as model objects, or None when there is no such page (or it failed)."""
    rows = list(db.query("select * from pages where id = ? and status = 'ok'", [page_id]))
    if not rows:
        return None
    row = rows[0]
    page = Page(source_path=row["source_path"], page_number=row["page_number"],
                source_kind=SourceKind(row["source_kind"]), width=row["width"], height=row["height"],
                dpi=row["dpi"], image_path=row["image_path"], ocr_engine=row["ocr_engine"], layout=row["layout"])
    arts = list(db.query("select * from articles where page_id = ? order by reading_order, id", [page_id]))
    index = {a["id"]: k for k, a in enumerate(arts)}
    subheads: dict[int, set] = {}
    for b in db.query("select article_id, text from blocks where page_id = ? and kind = 'subhead'", [page_id]):
        subheads.setdefault(b["article_id"], set()).add(b["text"])
    articles = []
    for a in arts:
        caps = [Caption(c["text"], c["credit"], _bbox(c))
                for c in db.query("select * from captions where article_id = ? order by id", [a["id"]])]
        articles.append(Article(headline=a["headline"], kicker=a["kicker"], subtitle=a["subtitle"],
                                byline=a["byline"], authors=json.loads(a["authors"] or "[]"), captions=caps,
                                notes=(a["notes"] or "").split("\n") if a["notes"] else [],
                                advertisement=bool(a["advertisement"]), bbox=_bbox(a),
                                reading_order=a["reading_order"],
                                blocks=[Paragraph(ParagraphKind.SUBHEAD if p in subheads.get(a["id"], ()) else
                                                  ParagraphKind.PARAGRAPH, p)
                                        for p in (a["body"] or "").split("\n\n") if p]))
    lines_of: dict[int, list[Line]] = {}
    for ln in db.query("select * from lines where page_id = ? order by block_id, line_number", [page_id]):
        words = [Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], w.get("conf", -1.0))
                 for w in json.loads(ln["words"] or "[]")]
        lines_of.setdefault(ln["block_id"], []).append(Line(ln["text"], _bbox(ln), words))
    for b in db.query("select * from blocks where page_id = ? order by reading_order, id", [page_id]):
        page.blocks.append(Block(Kind(b["kind"]), text=b["text"] or "", bbox=_bbox(b), lines=lines_of.get(b["id"], []),
                                 confidence=b["confidence"], font_size=b["font_size"], region=b["region"],
                                 article=index.get(b["article_id"])))
    repairs = [Repair(r["kind"], r["before"] or "", r["after"] or "", r["detail"] or "", _bbox(r),
                      index.get(r["article_id"]))
               for r in db.query("select * from repairs where page_id = ? order by id", [page_id])]
    return StoredPage(page_id, page, articles, [a["id"] for a in arts], repairs, dict(row))


def _bbox(row) -> tuple | None:
    if row["x"] is None or row["w"] is None:
        return None
    return (row["x"], row["y"], row["x"] + row["w"], row["y"] + row["h"])


# --- jumps between pages ---------------------------------------------------------------------

def folio(db: sqlite_utils.Database, page: dict) -> int | None:
    """The page's number in its issue: the METS's page number, else its printed folio
    (a page_number block: 第4版, Page 3), else its place in a multi-page issue file."""
    from . import patterns as P

    label = str(page.get("page_label") or "")
    if label.isdigit():
        return int(label)
    for (text,) in db.execute("select text from blocks where page_id = ? and kind = 'page_number'", [page["id"]]):
        m = re.search(r"\d{1,3}", text or "")
        if m:
            return int(m.group())
        n = P._page_no((text or "").strip("第版页 "))
        if n:
            return n
    if (page.get("source_pages") or 1) > 1:
        return page["page_number"]
    return None


def link_jumps(db: sqlite_utils.Database, issues: set | None = None) -> int:
    """Link the parts of stories that jump between pages of one issue (same title, date
    and edition): an article saying where it goes on (下转第2版, Continued on page 4) to
    the article on that page that says where it came from (上接第1版), or failing that
    the one whose headline is most alike. Returns the links made. ``issues``: the
    (title, date, edition) to relink; all when None."""
    from rapidfuzz import fuzz

    from . import patterns as P

    where, args = "title is not null and date is not null and status = 'ok'", []
    pages = [dict(r) for r in db.query(f"select id, title, date, edition, page_label, page_number, source_pages "
                                       f"from pages where {where}", args)]
    groups: dict[tuple, list[dict]] = {}
    for p in pages:
        key = (p["title"], p["date"], p["edition"] or "1")
        if issues is None or key in issues:
            groups.setdefault(key, []).append(p)
    made = 0
    with db.atomic():
        for group in groups.values():
            ids = [p["id"] for p in group]
            marks = ",".join("?" * len(ids))
            db.execute(f"delete from article_links where from_article_id in "
                       f"(select id from articles where page_id in ({marks}))", ids)
            if len(group) < 2:
                continue
            by_folio = {}
            for p in group:
                n = folio(db, p)
                if n is not None:
                    by_folio.setdefault(n, p["id"])
            folio_of = {pid: n for n, pid in by_folio.items()}
            arts = {pid: [dict(a) for a in db.query(
                "select id, headline, notes, body from articles where page_id = ? order by reading_order", [pid])]
                for pid in by_folio.values()}
            for pid, items in arts.items():
                for a in items:
                    for direction, target, note in _jumps(a, P):
                        if direction != "to" or target not in by_folio or by_folio[target] == pid:
                            continue
                        there = arts[by_folio[target]]
                        back = [b for b in there if any(d == "from" and n == folio_of[pid] for d, n, _ in _jumps(b, P))]
                        pool = back or there
                        best = max(pool, key=lambda b: fuzz.ratio(a["headline"] or "", b["headline"] or ""),
                                   default=None)
                        if best is None or (not back and fuzz.ratio(a["headline"] or "", best["headline"] or "") < 60):
                            continue
                        db["article_links"].insert({"from_article_id": a["id"], "to_article_id": best["id"],
                                                    "kind": "continued", "note": note,
                                                    "from_page": folio_of[pid], "to_page": target})
                        made += 1
    return made


def _jumps(article: dict, P) -> list[tuple[str, int, str]]:
    """The jump lines of an article: its notes, and a jump set at the start or end of
    its body (（上接第1版） opening the first paragraph, （下转第2版） closing the last)."""
    out = []
    lines = (article.get("notes") or "").split("\n")
    body = (article.get("body") or "").strip()
    for m in re.finditer(r"[（(][^（）()]{2,30}[）)]", body[:40] + " " + body[-40:]):
        lines.append(m.group())
    for line in lines:
        j = P.jump(line) if line.strip() else None
        if j:
            out.append((j[0], j[1], line.strip()))
    return out
