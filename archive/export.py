"""Export: stored pages written in the archival formats other systems read.

Each format is a serialiser in ``archive.formats`` from one model (``store.load_page``
gives a page back as model objects): ALTO 4.4, PAGE 2019, hOCR per page; an issue METS
(with the ALTO of its pages) per issue. Adding a format is a serialiser and a line in
``FORMATS``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Iterable

import sqlite_utils

from . import store
from .errors import DatabaseError
from .formats import alto, hocr, mets, page

# format -> (file suffix, serialiser of one stored page)
FORMATS: dict[str, tuple[str, Callable]] = {
    "alto": (".alto.xml", alto.write),
    "page": (".page.xml", page.write),
    "hocr": (".hocr.html", hocr.write),
}
ISSUE_FORMATS = ("mets",)


def export(db_path: Path, out_dir: Path, fmt: str, page_ids: Iterable[int] = (),
           on_file: Callable[[Path], None] | None = None) -> list[Path]:
    """Write ``fmt`` for the given pages (every stored page when none are given) into
    ``out_dir``; returns the files written."""
    db_path, out_dir = Path(db_path), Path(out_dir)
    if not db_path.is_file():
        raise DatabaseError(f"{db_path}: no such archive")
    db = sqlite_utils.Database(db_path)
    try:
        ids = list(page_ids) or [r["id"] for r in db.query("select id from pages where status = 'ok' order by id")]
        out_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []

        def emit(path: Path, data: bytes) -> None:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            written.append(path)
            if on_file:
                on_file(path)

        pages = [p for p in (store.load_page(db, i) for i in ids) if p is not None]
        if fmt in FORMATS:
            suffix, serialise = FORMATS[fmt]
            for sp in pages:
                emit(out_dir / f"page-{sp.id}{suffix}", serialise(sp, _image_href(db_path, sp, out_dir)))
            return written
        if fmt == "mets":
            keys = {r["id"]: r["key"] for r in db.query("select id, key from issues")}
            for iid, group in _issues(pages).items():
                entries = []
                for order, sp in enumerate(group, 1):
                    alto_path, image = out_dir / f"page-{sp.id}.alto.xml", _image_href(db_path, sp, out_dir)
                    emit(alto_path, alto.write(sp, image))
                    entries.append({"order": order, "image": image,
                                    "alto": alto_path.name, "articles": _article_blocks(sp)})
                first = group[0].row
                meta = {k: first.get(k) for k in ("title", "date", "edition") if first.get(k)}
                label = ", ".join(filter(None, (meta.get("title"), meta.get("date")))) or Path(first["source_path"]).name
                emit(out_dir / f"issue-{_slug(keys[iid])}.mets.xml", mets.write_issue(label, meta, entries))
            return written
        raise ValueError(f"unknown format {fmt!r}")
    finally:
        db.conn.close()


def _issues(pages) -> dict[int, list]:
    """Pages grouped by the issue the archive gave them (``store.issue_id``), in order."""
    groups: dict[int, list] = {}
    for sp in pages:
        groups.setdefault(sp.row["issue_id"], []).append(sp)
    for group in groups.values():
        group.sort(key=lambda sp: (int(sp.row["page_label"]) if str(sp.row.get("page_label") or "").isdigit()
                                   else 10 ** 6, sp.row["source_path"], sp.page.page_number))
    return groups


def _article_blocks(sp) -> list[tuple[str | None, list[str]]]:
    """Each article's headline and the ALTO ids of its blocks (as ``alto.write`` names them)."""
    out = []
    for k, a in enumerate(sp.articles):
        ids = [f"B{n + 1}" for n, b in enumerate(sp.page.blocks) if b.article == k and b.bbox]
        out.append((a.headline, ids))
    return out


def _image_href(db_path: Path, sp, out_dir: Path) -> str | None:
    """The page image as a path relative to the export folder (None when there is none)."""
    rel = sp.page.image_path
    if not rel:
        return None
    image = (db_path.resolve().parent / rel).resolve()
    return os.path.relpath(image, out_dir.resolve())


def _slug(key: str) -> str:
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", Path(key).stem if "/" in key else key).strip("-")[:80] or "issue"
