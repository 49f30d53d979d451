"""IIIF Presentation 3 and Content Search 2 for issues, built with iiif-prezi3.

    /-/iiif/issue/{issue}/manifest.json     a canvas per page, a range per article
    /-/iiif/issue/{issue}/lines/{page}      the page's text lines as annotations
    /-/iiif/issue/{issue}/search?q=         hits as annotations with word boxes

Any IIIF viewer (Mirador, Universal Viewer, the viewers of national libraries) opens an
issue from its manifest, shows the articles as its table of contents and searches inside
it.
"""

from __future__ import annotations

import json
import re

import iiif_prezi3 as iiif
from datasette.utils.asgi import NotFound, Response

JSONLD = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
SEARCH_CONTEXT = "http://iiif.io/api/search/2/context.json"
MAX_HITS = 500


def _label(text: str | None) -> dict:
    return {"none": [text or "(no headline)"]}


def _xywh(row) -> str:
    return f"{round(row['x'])},{round(row['y'])},{max(1, round(row['w']))},{max(1, round(row['h']))}"


async def issue_pages(db, iid: int):
    """(the issues row, its pages in order with their article counts); 404 when none."""
    issue = (await db.execute("select * from issues where id = ?", [iid])).first()
    if issue is None:
        raise NotFound(f"No issue {iid}")
    pages = (await db.execute(
        "select id, width, height, page_number, page_label, source_path, image_path, "
        "(select count(*) from articles a where a.page_id = pages.id) as articles from pages "
        "where issue_id = ? and status = 'ok' "
        "order by cast(page_label as integer), source_path, page_number", [iid])).rows
    return issue, pages


async def manifest(db, base: str, iid: int, image_ok) -> Response:
    issue, pages = await issue_pages(db, iid)
    here = f"{base}/-/iiif/issue/{iid}"
    m = iiif.Manifest(id=f"{here}/manifest.json", label=_label(issue["label"]))
    meta = [(k, issue[k]) for k in ("title", "date", "edition") if issue[k]]
    if meta:
        m.metadata = [{"label": {"en": [k]}, "value": {"none": [str(v)]}} for k, v in meta]
    m.service = [{"id": f"{here}/search", "type": "SearchService2"}]
    for p in pages:
        if not (p["width"] and p["height"]):
            continue
        canvas_id = f"{here}/canvas/{p['id']}"
        label = f"page {p['page_label'] or p['page_number']}"
        c = m.make_canvas(id=canvas_id, height=p["height"], width=p["width"], label=_label(label))
        if image_ok(p["image_path"]):
            ap = c.add_image(image_url=f"{base}/-/iiif/{p['id']}/full/max/0/default.jpg",
                             anno_id=f"{canvas_id}/image", anno_page_id=f"{canvas_id}/page",
                             format="image/jpeg", height=p["height"], width=p["width"])
            ap.items[0].body.service = [{"id": f"{base}/-/iiif/{p['id']}", "type": "ImageService3",
                                         "profile": "level1"}]
        c.annotations = [iiif.AnnotationPageRef(id=f"{here}/lines/{p['id']}", type="AnnotationPage")]
        arts = (await db.execute(
            "select id, headline, x, y, w, h from articles where page_id = ? order by reading_order", [p["id"]])).rows
        for a in arts:
            r = m.make_range(id=f"{here}/range/{a['id']}", label=_label(a["headline"]))
            target = f"{canvas_id}#xywh={_xywh(a)}" if a["x"] is not None else canvas_id
            r.add_item(iiif.CanvasRef(id=target, type="Canvas"))
    return Response(m.json(), content_type=JSONLD, headers={"access-control-allow-origin": "*"})


async def lines(db, base: str, iid: int, pid: int) -> Response:
    _, pages = await issue_pages(db, iid)
    if pid not in {p["id"] for p in pages}:
        raise NotFound(f"No page {pid} in issue {iid}")
    here = f"{base}/-/iiif/issue/{iid}"
    rows = (await db.execute("select id, text, x, y, w, h from lines where page_id = ? and x is not null "
                             "order by block_id, line_number", [pid])).rows
    page = iiif.AnnotationPage(id=f"{here}/lines/{pid}", items=[
        iiif.Annotation(id=f"{here}/line/{r['id']}", motivation="supplementing",
                        body={"type": "TextualBody", "value": r["text"], "format": "text/plain"},
                        target=f"{here}/canvas/{pid}#xywh={_xywh(r)}")
        for r in rows])
    return Response(page.json(), content_type=JSONLD, headers={"access-control-allow-origin": "*"})


def word_hits(words: list[dict], query: str) -> list[tuple[float, float, float, float]]:
    """Boxes of each occurrence of ``query`` in a line's words, spaces ignored (a Han
    phrase spans several of Tesseract's words; an English word is one)."""
    q = re.sub(r"\s+", "", query).lower()
    if not q:
        return []
    text, owner = "", []
    for k, w in enumerate(words):
        t = re.sub(r"\s+", "", w.get("text") or "").lower()
        text += t
        owner += [k] * len(t)
    out = []
    for m in re.finditer(re.escape(q), text):
        ks = sorted(set(owner[m.start():m.end()]))
        boxes = [words[k] for k in ks]
        out.append((min(b["x0"] for b in boxes), min(b["top"] for b in boxes),
                    max(b["x1"] for b in boxes), max(b["bottom"] for b in boxes)))
    return out


async def search(db, base: str, iid: int, q: str) -> Response:
    _, pages = await issue_pages(db, iid)
    here = f"{base}/-/iiif/issue/{iid}"
    items = []
    q = q.strip()[:200]
    needle = re.sub(r"\s+", "", q)
    if needle and pages:
        ids = [p["id"] for p in pages]
        marks = ",".join("?" * len(ids))
        # a cheap filter in SQL, the exact match on the words in Python
        first = needle[0]
        rows = (await db.execute(
            f"select id, page_id, words from lines where page_id in ({marks}) and instr(lower(text), ?) > 0",
            [*ids, first.lower()])).rows
        for r in rows:
            for x0, y0, x1, y1 in word_hits(json.loads(r["words"] or "[]"), needle):
                items.append({
                    "id": f"{here}/search/hit/{r['id']}-{len(items)}", "type": "Annotation",
                    "motivation": "highlighting",
                    "target": f"{here}/canvas/{r['page_id']}#xywh={round(x0)},{round(y0)},"
                              f"{max(1, round(x1 - x0))},{max(1, round(y1 - y0))}",
                })
                if len(items) >= MAX_HITS:
                    break
            if len(items) >= MAX_HITS:
                break
    from urllib.parse import quote

    body = {"@context": SEARCH_CONTEXT, "id": f"{here}/search?q={quote(q)}", "type": "AnnotationPage",
            "items": items}
    return Response(json.dumps(body, ensure_ascii=False), content_type="application/ld+json",
                    headers={"access-control-allow-origin": "*"})
