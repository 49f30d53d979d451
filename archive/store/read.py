"""Reading back: stored rows as model objects again (``load_page``), for exports and
anything else that needs a page as the pipeline made it."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from ..model import Article, Block, Caption, Kind, Line, Page, Paragraph, ParagraphKind, Repair, SourceKind, Word

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
