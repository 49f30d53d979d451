"""Writing pages: each page (or its failure) in one transaction, replacing what was
stored for it; resuming a source; linking the parts of stories that jump between pages."""

from __future__ import annotations

import datetime as dt
import json
import re

import sqlite_utils

from ..model import PageResult
from ..search import index_bigrams, index_text
from .schema import CHILD_TABLES, confidence_band, issue_id, relative_image_path

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
            index_bigrams(db, row["id"], row["search_text"], delete=True)
        for t in CHILD_TABLES:
            db.execute(f"delete from [{t}] where page_id = ?", [pid])
        db.execute("delete from pages where id = ?", [pid])
    return ids[-1] if ids else None


def _xywh(bbox) -> dict:
    if bbox is None:
        return {"x": None, "y": None, "w": None, "h": None}
    x0, y0, x1, y1 = bbox
    return {"x": round(x0, 1), "y": round(y0, 1), "w": round(x1 - x0, 1), "h": round(y1 - y0, 1)}


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
        index_bigrams(db, article_ids[-1], search_text)
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


# --- jumps between pages ---------------------------------------------------------------------

def folio(db: sqlite_utils.Database, page: dict) -> int | None:
    """The page's number in its issue: the METS's page number, else its printed folio
    (a page_number block: 第4版, Page 3), else its place in a multi-page issue file."""
    from .. import patterns as P

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

    from .. import patterns as P

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
