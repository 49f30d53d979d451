"""The archive's Datasette plugin (entry point ``archive`` in group ``datasette``).

- Search: re-registers ``escape_fts`` so a typed query becomes phrases of single Han
  characters, matching how ``search_text`` is indexed (see ``archive.search``). It must
  run after Datasette's own registration (``trylast``), and only for archive databases.
- Cells: snippets keep their ``<mark>`` highlights, everything else stays escaped text.
- Routes: page images, served only when the file is registered in ``pages``.
"""

from __future__ import annotations

import html
import mimetypes
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response

from .search import SEP, fts_query, strip_separators


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


@hookimpl
def render_cell(value, column, table, database, datasette):
    if not isinstance(value, str):
        return None
    if column == "snippet":
        # OCR text is never HTML: escape it all, then restore only our own highlight marks.
        safe = html.escape(value.replace(SEP, ""))
        safe = safe.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
        from markupsafe import Markup

        return Markup(safe)
    if column == "search_text":
        from markupsafe import Markup

        return Markup('<span class="archive-muted">(search index)</span>')
    return None


@hookimpl
def register_routes():
    return [
        (r"^/-/archive/page-image/(?P<page_id>\d+)$", page_image),
    ]


async def _archive_db(datasette):
    for name, db in datasette.databases.items():
        if name.startswith("_"):
            continue
        tables = await db.table_names()
        if "pages" in tables and "articles_fts" in tables:
            return db
    return None


async def page_image(request, datasette):
    """The scan of a page: only files the pages table names, never an arbitrary path."""
    db = await _archive_db(datasette)
    if db is None:
        return Response.text("no archive database", status=404)
    row = (await db.execute("select image_path from pages where id = ?",
                            [int(request.url_vars["page_id"])])).first()
    if row is None or not row["image_path"]:
        return Response.text("no image for this page", status=404)
    path = Path(row["image_path"])
    if not path.is_file():
        return Response.text("image file missing", status=404)
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Response(path.read_bytes(), content_type=content_type,
                    headers={"cache-control": "max-age=3600"})
