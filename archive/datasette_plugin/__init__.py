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

import html
import io
import json
import mimetypes
import os
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from ..search import SEP, fts_query, match_for, snippet, strip_separators

PUBLIC_ENV = "ARCHIVE_PUBLIC"  # set by ``archive serve --public``
MAX_THUMBNAIL = 2000


def _is_archive(conn) -> bool:
    return conn.execute(
        "select count(*) from sqlite_master where name in ('articles_fts', 'pages')"
    ).fetchone()[0] == 2


@hookimpl(trylast=True)
def prepare_connection(conn, database, datasette):
    if not _is_archive(conn):
        return
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("strip_separators", 1, strip_separators, deterministic=True)
    conn.create_function("archive_snippet", 2, snippet, deterministic=True)
    conn.create_function("archive_match", 2, match_for, deterministic=True)


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
    pid = int(request.url_vars["page_id"])
    db, row = await _one(datasette, "select image_path from pages where id = ?", [pid], f"page {pid}")
    path = image_file(db.path, row["image_path"])
    if path is None:
        return Response.text("no image for this page", status=404)
    width = request.args.get("w")
    if width:
        if not width.isdigit() or not 16 <= int(width) <= MAX_THUMBNAIL:
            return Response.text(f"w must be a width from 16 to {MAX_THUMBNAIL}", status=400)
        return Response(_thumbnail(path, int(width)), content_type="image/jpeg",
                        headers={"cache-control": "max-age=86400"})
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Response(path.read_bytes(), content_type=content_type,
                    headers={"cache-control": "max-age=86400"})


def _thumbnail(path: Path, width: int) -> bytes:
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB")
        if im.width > width:
            im = im.resize((width, max(1, round(im.height * width / im.width))), Image.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=82)
        return buf.getvalue()


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
    aid = int(request.url_vars["article_id"])
    db, article = await _one(datasette, "select * from articles where id = ?", [aid], f"article {aid}")
    page = (await db.execute("select * from pages where id = ?", [article["page_id"]])).first()
    captions = (await db.execute("select text, credit from captions where article_id = ? order by id", [aid])).rows
    repairs = (await db.execute(
        "select kind, before, after, detail from repairs where article_id = ? order by id", [aid])).rows
    blocks = (await db.execute(
        "select kind, text, x, y, w, h from blocks where article_id = ? order by reading_order", [aid])).rows
    q = request.args.get("q", "").strip()
    subheads = {b["text"] for b in blocks if b["kind"] == "subhead" and b["text"]}
    paragraphs = [{"text": p, "subhead": p in subheads} for p in (article["body"] or "").split("\n\n") if p]
    return Response.html(await datasette.render_template("archive_article.html", {
        "article": dict(article), "page": dict(page), "database": db.name,
        "authors": json.loads(article["authors"] or "[]"),
        "paragraphs": paragraphs, "captions": captions, "repairs": repairs,
        "notes": [n for n in (article["notes"] or "").split("\n") if n],
        "region": _box(article), "hits": _hits(blocks, q), "q": q,
        "has_image": image_file(db.path, page["image_path"]) is not None,
    }, request=request))


async def page_view(request, datasette):
    pid = int(request.url_vars["page_id"])
    db, page = await _one(datasette, "select * from pages where id = ?", [pid], f"page {pid}")
    articles = (await db.execute(
        "select id, reading_order, headline, kicker, byline, advertisement, x, y, w, h "
        "from articles where page_id = ? order by reading_order", [pid])).rows
    return Response.html(await datasette.render_template("archive_page.html", {
        "page": dict(page), "database": db.name,
        "articles": [{**dict(a), "box": _box(a)} for a in articles],
        "has_image": image_file(db.path, page["image_path"]) is not None,
    }, request=request))


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
