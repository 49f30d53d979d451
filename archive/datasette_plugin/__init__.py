"""The archive's Datasette plugin (entry point ``archive`` in group ``datasette``).

- Search: re-registers ``escape_fts`` so a typed query becomes phrases of single Han
  characters, matching how ``search_text`` is indexed (see ``archive.search``). It must
  run after Datasette's own registration (``trylast``), and only for archive databases.
- Cells: snippets keep their ``<mark>`` highlights, everything else stays escaped text;
  an ``open`` column links to the article view.
- Views: ``/-/archive/article/{id}`` (the article, its page image with the article's
  region outlined and search hits marked, the repairs cleanup made) and
  ``/-/archive/page/{id}`` (the scan with every article's region as a link).
- Page images: served only when the pages table names them, resolved inside the
  archive's directory (absolute paths and ``..`` refused), with thumbnails (``?w=``).
- Robots: blocked unless the archive is served with ``--public``; then a sitemap.
"""

from __future__ import annotations

import asyncio
import functools
import html
import io
import json
import mimetypes
import os
import re
import tempfile
from importlib import resources
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from ..search import SEP, fts_query, match_for, snippet, strip_separators

PUBLIC_ENV = "ARCHIVE_PUBLIC"  # set by ``archive serve --public``
MAX_THUMBNAIL = 2000


@functools.lru_cache(maxsize=1)
def archive_metadata() -> dict:
    """The archive database's descriptions and canned queries (package data)."""
    import yaml

    text = resources.files(__package__).joinpath("archive.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


_archive_paths: dict[tuple, bool] = {}


def _names_of_archives(datasette) -> list[str]:
    """Names of the served databases that are archives (checked once per file)."""
    import sqlite3

    out = []
    for name, db in datasette.databases.items():
        if name.startswith("_") or not db.path:
            continue
        key = (name, db.path)
        if key not in _archive_paths:
            try:
                con = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
                try:
                    _archive_paths[key] = _is_archive(con)
                finally:
                    con.close()
            except sqlite3.Error:
                _archive_paths[key] = False
        if _archive_paths[key]:
            out.append(name)
    return out


@hookimpl
def get_metadata(datasette, key, database, table):
    meta = {k: v for k, v in archive_metadata().items() if k != "queries"}
    return {"databases": {name: meta for name in _names_of_archives(datasette)}}


@hookimpl
def canned_queries(datasette, database, actor):
    async def queries():
        db = datasette.databases.get(database)
        if db is None or database.startswith("_"):
            return {}
        tables = await db.table_names()
        return dict(archive_metadata()["queries"]) if "pages" in tables and "articles_fts" in tables else {}
    return queries


def _is_archive(conn) -> bool:
    return conn.execute(
        "select count(*) from sqlite_master where name in ('articles_fts', 'pages')"
    ).fetchone()[0] == 2


# What the project's SQL functions accept. A Python function called by SQLite cannot be
# stopped by the SQL time limit, so its work is bounded by its input: a query longer than
# anyone types, or a text longer than any article, is refused.
MAX_QUERY = 500
MAX_TEXT = 2_000_000


class ArgumentTooLong(ValueError):
    pass


def _bounded(fn, *limits):
    def call(*args):
        for arg, limit in zip(args, limits):
            if isinstance(arg, str) and len(arg) > limit:
                raise ArgumentTooLong(f"{fn.__name__}: an argument of {len(arg)} characters (at most {limit})")
        return fn(*args)
    return call


def _disabled(*_):
    return None


@hookimpl(trylast=True)
def prepare_connection(conn, database, datasette):
    # fts3_tokenizer(name) returns a pointer into the server's memory: never offered.
    conn.create_function("fts3_tokenizer", 1, _disabled)
    conn.create_function("fts3_tokenizer", 2, _disabled)
    if not _is_archive(conn):
        return
    conn.create_function("escape_fts", 1, _bounded(fts_query, MAX_QUERY), deterministic=True)
    conn.create_function("strip_separators", 1, _bounded(strip_separators, MAX_TEXT), deterministic=True)
    conn.create_function("archive_snippet", 2, _bounded(snippet, MAX_TEXT, MAX_QUERY), deterministic=True)
    conn.create_function("archive_match", 2, _bounded(match_for, MAX_QUERY, 16), deterministic=True)


# Every response: no MIME sniffing of OCR text served as a page, no framing by another
# site, scripts and styles only from this server (Datasette's pages use inline ones).
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
     b"script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"),
]


@hookimpl
def asgi_wrapper(datasette):
    scrubber = PathScrubber(datasette)

    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    names = {k.lower() for k, _ in event.get("headers", [])}
                    event = {**event, "headers": [*event.get("headers", []),
                                                  *[(k, v) for k, v in SECURITY_HEADERS if k not in names]]}
                await send(event)

            if _public():
                return await scrubber(app, scope, receive, send_with_headers)
            return await app(scope, receive, send_with_headers)
        return with_headers
    return wrap


TEXT_TYPES = (b"text/", b"application/json", b"application/ld+json", b"application/xml")


class PathScrubber:
    """Served --public, no page, JSON, CSV or XML shows where the server keeps its
    files: the folders of the archive and of every source file are cut from each text
    response (a path then reads as its file name). The folders are read again every
    30 seconds, as an ingest may add some while the archive is served."""

    def __init__(self, datasette):
        self.datasette, self.pattern, self.read_at, self.longest = datasette, None, -1e9, 1

    async def folders(self) -> re.Pattern | None:
        import time

        if time.monotonic() - self.read_at < 30:
            return self.pattern
        found = set()
        for name, db in self.datasette.databases.items():
            if not db.path:
                continue
            for p in {Path(db.path).parent, Path(db.path).resolve().parent}:
                found.add(str(p).rstrip("/") + "/")
            if "pages" in await db.table_names():
                rows = await db.execute("select distinct rtrim(source_path, replace(source_path, '/', '')) as d "
                                        "from pages where source_path like '/%'")
                found.update(r["d"] for r in rows if r["d"])
        forms = set()
        for f in found:
            forms.update({f, json.dumps(f)[1:-1], html.escape(f)})  # as JSON and HTML write them
        forms.discard("/")
        encoded = sorted((f.encode("utf-8") for f in forms), key=len, reverse=True)
        self.longest = max((len(f) for f in encoded), default=1)
        # over bytes: a name may be split between two chunks in the middle of a character
        self.pattern = re.compile(b"|".join(map(re.escape, encoded))) if encoded else None
        self.read_at = time.monotonic()
        return self.pattern

    async def __call__(self, app, scope, receive, send):
        pattern = await self.folders()
        state = {"start": None, "carry": b"", "streaming": False}
        hold = self.longest

        async def scrubbed(event):
            if event["type"] == "http.response.start":
                ctype = dict(event.get("headers", [])).get(b"content-type", b"")
                if pattern is None or not ctype.startswith(TEXT_TYPES):
                    state["start"] = False
                    return await send(event)
                state["start"] = event
                return None
            if state["start"] is False:
                return await send(event)
            more = event.get("more_body", False)
            text = state["carry"] + event.get("body", b"")
            if not more and not state["streaming"]:  # the whole body at once: its length is known
                body = pattern.sub(b"", text)
                headers = [(k, v) for k, v in state["start"]["headers"] if k.lower() != b"content-length"]
                await send({**state["start"], "headers": [*headers, (b"content-length", str(len(body)).encode())]})
                return await send({"type": "http.response.body", "body": body})
            if not state["streaming"]:  # a streamed body (a whole table as CSV): scrubbed as it goes
                state["streaming"] = True
                headers = [(k, v) for k, v in state["start"]["headers"] if k.lower() != b"content-length"]
                await send({**state["start"], "headers": headers})
            # Keep back the end of the text where a folder's name may continue in the next chunk.
            cut = len(text) if not more else max(0, len(text) - hold)
            out, last = [], 0
            for m in pattern.finditer(text):
                if more and m.end() > cut:
                    cut = min(cut, m.start())
                    break
                out.append(text[last:m.start()])
                last = m.end()
            cut = max(cut, last)
            out.append(text[last:cut])
            state["carry"] = text[cut:]
            await send({"type": "http.response.body", "body": b"".join(out), "more_body": more})

        await app(scope, receive, scrubbed)


@hookimpl
def render_cell(value, column, table, database, datasette):
    if not isinstance(value, str):
        return None
    if column == "snippet":
        # OCR text is never HTML: escape it all, then restore only our own highlight marks.
        safe = html.escape(value.replace(SEP, ""))
        return Markup(safe.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))
    if column == "search_text":
        return Markup('<span class="archive-muted">(search index)</span>')
    if column == "open" and value.startswith("/-/archive/"):
        return Markup(f'<a href="{html.escape(quote(value, safe="/?=&"))}">open</a>')
    return None


@hookimpl
def register_routes():
    return [
        (r"^/-/archive/page-image/(?P<page_id>\d+)$", page_image),
        (r"^/-/archive/article/(?P<article_id>\d+)$", article_view),
        (r"^/-/archive/page/(?P<page_id>\d+)$", page_view),
        (r"^/-/archive/page/(?P<page_id>\d+)/(?P<fmt>alto|page|hocr|mets)$", page_export),
        (r"^/-/iiif/(?P<rest>(?!issue/).*)$", iiif_image),
        (r"^/-/iiif/issue/(?P<issue_id>\d+)/(?P<what>manifest\.json|search|lines/(?P<page_id>\d+))$", iiif_issue),
        (r"^/-/archive/search$", _room("search_page")),
        (r"^/-/archive/titles$", _room("titles_page")),
        (r"^/-/archive/title$", _room("title_page")),
        (r"^/-/archive/issue/(?P<issue_id>\d+)$", _room("issue_page", "issue_id")),
        (r"^/-/archive/viewer/(?P<page_id>\d+)$", _room("viewer_page", "page_id")),
        (r"^/robots\.txt$", robots_txt),
        (r"^/sitemap\.xml$", sitemap_xml),
    ]


async def _archive_db(datasette):
    for name, db in datasette.databases.items():
        if name.startswith("_"):
            continue
        tables = await db.table_names()
        if "pages" in tables and "articles_fts" in tables:
            return db
    return None


MAX_ID = 2 ** 63 - 1  # SQLite's largest integer: a longer id is no row, not an overflow


def _id(request, name: str) -> int:
    value = int(request.url_vars[name])
    if value > MAX_ID:
        raise NotFound(f"No {name.replace('_id', '')} {value}")
    return value


async def _one(datasette, sql: str, params: list, what: str):
    """(archive database, the one row ``sql`` finds); a 404 page when there is none."""
    db = await _archive_db(datasette)
    if db is None:
        raise NotFound("no archive database")
    row = (await db.execute(sql, params)).first()
    if row is None:
        raise NotFound(f"No {what}")
    return db, row


def image_file(db_path: str | None, image_path: str | None) -> Path | None:
    """The image file a pages row names, or None when it points outside the archive."""
    if not db_path or not image_path:
        return None
    rel = PurePosixPath(image_path)
    if rel.is_absolute() or ".." in rel.parts or Path(image_path).is_absolute():
        return None
    base = Path(db_path).resolve().parent
    path = (base / rel).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path


async def page_image(request, datasette):
    """The scan of a page; ``?w=300`` gives a thumbnail that wide."""
    pid = _id(request, "page_id")
    db, row = await _one(datasette, "select image_path from pages where id = ?", [pid], f"page {pid}")
    path = image_file(db.path, row["image_path"])
    if path is None:
        return Response.text("no image for this page", status=404)
    width = request.args.get("w")
    if width:
        if not width.isdigit() or not 16 <= int(width) <= MAX_THUMBNAIL:
            return Response.text(f"w must be a width from 16 to {MAX_THUMBNAIL}", status=400)
        # Resizing takes a CPU for a second on a broadsheet: never on the event loop,
        # which every other request waits on, and never twice for the same image.
        thumb = await asyncio.to_thread(derived_image, db.path, path, int(width))
        return await _file_response(thumb, "image/jpeg")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return await _file_response(path, content_type)


async def _file_response(path: Path, content_type: str) -> Response:
    data = await asyncio.to_thread(path.read_bytes)
    return Response(data, content_type=content_type, headers={"cache-control": "max-age=86400"})


def cache_dir(db_path: str) -> Path:
    """Where derived images of an archive are kept: a folder beside it."""
    p = Path(db_path).resolve()
    return p.with_name(p.name + ".cache")


def derived_image(db_path: str, path: Path, width: int) -> Path:
    """A JPEG of the image ``width`` pixels wide, made once and kept in the cache folder
    (named by the image's path, size and time, so a replaced image is made again)."""
    import hashlib

    from PIL import Image

    st = path.stat()
    key = hashlib.sha1(f"{path}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:20]
    out = cache_dir(db_path) / "w" / f"{key}-{width}.jpg"
    if out.exists():
        return out
    with Image.open(path) as im:
        im.draft("RGB", (width, width * 4))  # a JPEG decodes at a fraction of its size
        im = im.convert("RGB")
        if im.width > width:
            im = im.resize((width, max(1, round(im.height * width / im.width))), Image.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=82)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{os.getpid()}")
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, out)  # whole or not at all, whoever reads it at the same time
        return out
    except OSError:  # a read-only archive folder: serve it uncached
        fallback = Path(tempfile.gettempdir()) / f"archive-{key}-{width}.jpg"
        fallback.write_bytes(buf.getvalue())
        return fallback


def _box(row) -> dict | None:
    if row["x"] is None or row["w"] is None:
        return None
    return {"x": row["x"], "y": row["y"], "w": row["w"], "h": row["h"]}


def _hits(blocks, q: str) -> list[dict]:
    """Boxes of the article's blocks that hold a query term (spaces ignored)."""
    terms = [t for t in q.split() if t]
    out = []
    for b in blocks:
        text = (b["text"] or "").replace(" ", "").lower()
        if terms and any(t.lower() in text for t in terms) and _box(b):
            out.append(_box(b))
    return out


async def article_view(request, datasette):
    aid = _id(request, "article_id")
    db, article = await _one(datasette, "select * from articles where id = ?", [aid], f"article {aid}")
    page = (await db.execute("select * from pages where id = ?", [article["page_id"]])).first()
    captions = (await db.execute("select text, credit from captions where article_id = ? order by id", [aid])).rows
    repairs = (await db.execute(
        "select kind, before, after, detail from repairs where article_id = ? order by id", [aid])).rows
    blocks = (await db.execute(
        "select kind, text, x, y, w, h from blocks where article_id = ? order by reading_order", [aid])).rows
    q = request.args.get("q", "").strip()
    subheads = {b["text"] for b in blocks if b["kind"] == "subhead" and b["text"]}
    on = (await db.execute(
        "select a.id, a.headline, l.to_page as page from article_links l join articles a on a.id = l.to_article_id "
        "where l.from_article_id = ?", [aid])).rows
    came = (await db.execute(
        "select a.id, a.headline, l.from_page as page from article_links l join articles a on a.id = l.from_article_id "
        "where l.to_article_id = ?", [aid])).rows
    paragraphs = [{"text": p, "subhead": p in subheads} for p in (article["body"] or "").split("\n\n") if p]
    return Response.html(await datasette.render_template("archive_article.html", {
        "article": dict(article), "page": dict(page), "database": db.name,
        "authors": json.loads(article["authors"] or "[]"),
        "paragraphs": paragraphs, "captions": captions, "repairs": repairs,
        "notes": [n for n in (article["notes"] or "").split("\n") if n],
        "region": _box(article), "hits": _hits(blocks, q), "q": q,
        "continued_on": [dict(r) for r in on], "continued_from": [dict(r) for r in came],
        "has_image": image_file(db.path, page["image_path"]) is not None,
    }, request=request))


async def page_view(request, datasette):
    pid = _id(request, "page_id")
    db, page = await _one(datasette, "select * from pages where id = ?", [pid], f"page {pid}")
    articles = (await db.execute(
        "select id, reading_order, headline, kicker, byline, advertisement, x, y, w, h "
        "from articles where page_id = ? order by reading_order", [pid])).rows
    return Response.html(await datasette.render_template("archive_page.html", {
        "page": dict(page), "database": db.name,
        "articles": [{**dict(a), "box": _box(a)} for a in articles],
        "has_image": image_file(db.path, page["image_path"]) is not None,
    }, request=request))


def _room(name: str, id_var: str | None = None):
    """A reading-room view (``reading_room.NAME``) over the archive database."""
    async def view(request, datasette):
        from . import reading_room

        db = await _archive_db(datasette)
        if db is None:
            raise NotFound("no archive database")
        args = [_id(request, id_var)] if id_var else []
        return await getattr(reading_room, name)(request, datasette, db, *args)
    return view


async def iiif_image(request, datasette):
    from . import iiif

    async def page_image_file(pid: int):
        db = await _archive_db(datasette)
        if db is None:
            raise NotFound("no archive database")
        row = (await db.execute("select image_path from pages where id = ?", [pid])).first()
        return db, (image_file(db.path, row["image_path"]) if row else None)

    return await iiif.route(request, datasette, page_image_file, cache_dir, _base(request))


async def iiif_issue(request, datasette):
    from . import presentation

    iid = _id(request, "issue_id")
    db = await _archive_db(datasette)
    if db is None:
        raise NotFound("no archive database")
    what = request.url_vars["what"]
    if what == "manifest.json":
        return await presentation.manifest(db, _base(request), iid,
                                           lambda rel: image_file(db.path, rel) is not None)
    if what == "search":
        return await presentation.search(db, _base(request), iid, request.args.get("q", ""))
    return await presentation.lines(db, _base(request), iid, _id(request, "page_id"))


EXPORT_TYPES = {"alto": "application/xml", "page": "application/xml", "mets": "application/xml",
                "hocr": "text/html; charset=utf-8"}


async def page_export(request, datasette):
    """The page in an archival format, made from the archive as it is now: ALTO, PAGE or
    hOCR of the page, or the METS of the issue it belongs to (its pages' ALTO and images
    linked by these routes)."""
    import sqlite_utils

    from .. import export, store
    from ..formats import mets

    pid, fmt = _id(request, "page_id"), request.url_vars["fmt"]
    db = await _archive_db(datasette)
    if db is None:
        raise NotFound("no archive database")

    def build(conn):
        sdb = sqlite_utils.Database(conn)
        sp = store.load_page(sdb, pid)
        if sp is None:
            return None
        image = f"/-/archive/page-image/{pid}" if sp.page.image_path else None
        if fmt != "mets":
            return export.FORMATS[fmt][1](sp, image)
        r = sp.row
        ids = [x["id"] for x in sdb.query("select id from pages where status = 'ok' and issue_id = ?",
                                           [r["issue_id"]])]
        group = next(iter(export._issues([store.load_page(sdb, i) for i in ids]).values()))
        entries = [{"order": k, "image": f"/-/archive/page-image/{p.id}" if p.page.image_path else None,
                    "alto": f"/-/archive/page/{p.id}/alto", "articles": export._article_blocks(p)}
                   for k, p in enumerate(group, 1)]
        meta = {k: r.get(k) for k in ("title", "date", "edition") if r.get(k)}
        label = ", ".join(filter(None, (meta.get("title"), meta.get("date")))) or r["source_path"].rsplit("/", 1)[-1]
        return mets.write_issue(label, meta, entries)

    body = await db.execute_fn(build)
    if body is None:
        raise NotFound(f"No page {pid}")
    return Response(body, content_type=EXPORT_TYPES[fmt])


def _public() -> bool:
    return os.environ.get(PUBLIC_ENV) == "1"


async def robots_txt(request, datasette):
    if not _public():
        return Response.text("User-agent: *\nDisallow: /\n")
    return Response.text(f"User-agent: *\nAllow: /\nSitemap: {_base(request)}/sitemap.xml\n")


async def sitemap_xml(request, datasette):
    if not _public():
        return Response.text("not published: serve with --public for a sitemap", status=404)
    db = await _archive_db(datasette)
    ids = [] if db is None else [r[0] for r in (await db.execute(
        "select id from articles order by id limit 50000")).rows]
    base = _base(request)
    urls = "".join(f"<url><loc>{base}/-/archive/article/{i}</loc></url>" for i in ids)
    return Response(
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        content_type="application/xml")


def _base(request) -> str:
    return f"{request.scheme}://{request.host}"
