"""PAGE-XML out (PRImA PAGE, 2019-07-15): regions typed by what they are on the page,
the reading order, and cleanup's joins as ``Relation type="join"`` so that each repair
can be audited in any PAGE viewer or correction tool."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from ..model import Kind, RepairKind, union_bbox

PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
PAGE_XSD = f"{PAGE_NS}/pagecontent.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# Our block kinds as PAGE's text region types (TextTypeSimpleType).
TEXT_TYPES = {
    Kind.HEADLINE: "heading", Kind.KICKER: "heading", Kind.SUBHEAD: "heading", Kind.MASTHEAD: "heading",
    Kind.CAPTION: "caption", Kind.FOOTNOTE: "footnote", Kind.NOTE: "other", Kind.BYLINE: "other",
    Kind.PAGE_NUMBER: "page-number", Kind.RUNNING_HEAD: "header", Kind.DATELINE: "header",
    Kind.FURNITURE: "header", Kind.BODY: "paragraph", Kind.TEXT: "paragraph", Kind.AD_MARKER: "other",
}
JOINS = (RepairKind.JOIN_WORD, RepairKind.JOIN_PARAGRAPH, RepairKind.DEHYPHENATE)


def _points(bbox, width: int | None = None, height: int | None = None) -> str:
    """A box as PAGE's points, inside the page (another engine's ALTO may reach past
    its edges; PAGE's coordinates are not negative)."""
    x0, y0, x1, y1 = (int(round(v)) for v in bbox)
    big = 10 ** 9
    x0, x1 = (min(max(v, 0), (width or big) - 1) for v in (x0, x1))
    y0, y1 = (min(max(v, 0), (height or big) - 1) for v in (y0, y1))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    return f"{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def write(stored, image_name: str | None = None) -> bytes:
    page = stored.page
    q = lambda tag: f"{{{PAGE_NS}}}{tag}"  # noqa: E731
    root = etree.Element(q("PcGts"), nsmap={None: PAGE_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{PAGE_NS} {PAGE_XSD}")
    meta = etree.SubElement(root, q("Metadata"))
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    etree.SubElement(meta, q("Creator")).text = "newspaper-archive"
    etree.SubElement(meta, q("Created")).text = stored.row.get("ingested_at") or now
    etree.SubElement(meta, q("LastChange")).text = now
    pg = etree.SubElement(root, q("Page"), imageFilename=image_name or page.source_path,
                          imageWidth=str(page.width or 0), imageHeight=str(page.height or 0))
    blocks = [(f"r{n + 1}", b) for n, b in enumerate(page.blocks) if b.bbox]
    text_ids = [rid for rid, b in blocks if b.kind.is_text]
    if text_ids:
        group = etree.SubElement(etree.SubElement(pg, q("ReadingOrder")), q("OrderedGroup"), id="ro",
                                 caption="reading order")
        for k, rid in enumerate(text_ids):
            etree.SubElement(group, q("RegionRefIndexed"), index=str(k), regionRef=rid)
    relations = _joins(stored, blocks)
    if relations:
        rels = etree.SubElement(pg, q("Relations"))
        for k, (kind, detail, src, dst) in enumerate(relations):
            r = etree.SubElement(rels, q("Relation"), id=f"join{k + 1}", type="join", custom=f"repair:{kind}")
            r.set("comments", detail[:500])
            etree.SubElement(r, q("SourceRegionRef"), regionRef=src)
            etree.SubElement(r, q("TargetRegionRef"), regionRef=dst)
    for rid, b in blocks:
        article = f"article:{b.article + 1}" if b.article is not None else None
        if b.kind == Kind.PHOTO:
            el = etree.SubElement(pg, q("ImageRegion"), id=rid)
        elif b.kind == Kind.RULE:
            el = etree.SubElement(pg, q("SeparatorRegion"), id=rid)
        elif b.kind == Kind.TABLE:
            el = etree.SubElement(pg, q("TableRegion"), id=rid)
        else:
            el = etree.SubElement(pg, q("TextRegion"), id=rid, type=TEXT_TYPES.get(b.kind, "other"))
        if article:
            el.set("custom", f"{article}; kind:{b.kind}")
        else:
            el.set("custom", f"kind:{b.kind}")
        etree.SubElement(el, q("Coords"), points=_points(b.bbox, page.width, page.height))
        if el.tag != q("TextRegion"):
            continue
        for k, ln in enumerate(b.lines):
            tl = etree.SubElement(el, q("TextLine"), id=f"{rid}_l{k + 1}")
            etree.SubElement(tl, q("Coords"), points=_points(ln.bbox or b.bbox, page.width, page.height))
            for j, w in enumerate(ln.words):
                we = etree.SubElement(tl, q("Word"), id=f"{rid}_l{k + 1}_w{j + 1}")
                etree.SubElement(we, q("Coords"), points=_points((w.x0, w.top, w.x1, w.bottom), page.width, page.height))
                te = etree.SubElement(we, q("TextEquiv"))
                if w.conf >= 0:
                    te.set("conf", f"{min(w.conf, 100) / 100:.2f}")
                etree.SubElement(te, q("Unicode")).text = w.text
            etree.SubElement(etree.SubElement(tl, q("TextEquiv")), q("Unicode")).text = ln.text
        etree.SubElement(etree.SubElement(el, q("TextEquiv")), q("Unicode")).text = b.text or ""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _joins(stored, blocks) -> list[tuple[str, str, str, str]]:
    """Each repair that joined text across two regions: (kind, before -> after, the
    region the text came from, the region it continues in): the two pieces whose union is
    the repair's box, else the first and last text regions of the repair's article
    that the box overlaps."""
    out = []
    for r in stored.repairs:
        if r.kind not in JOINS or r.bbox is None:
            continue
        hit = [(rid, b) for rid, b in blocks if b.kind.is_text and b.article == r.article and _overlaps(b.bbox, r.bbox)]
        # The repair's box is the two pieces' union: the pair that makes it, if stored
        # as pieces (``clean.as_printed``).
        pair = next(((a, b) for n, (a, ab) in enumerate(hit) for b, bb in hit[n + 1:]
                     if all(abs(u - v) <= 1 for u, v in zip(union_bbox([ab.bbox, bb.bbox]), r.bbox))), None)
        if pair is None and len(hit) >= 2:
            pair = (hit[0][0], hit[-1][0])
        if pair:
            out.append((str(r.kind), f"{r.before} -> {r.after}", *pair))
    return out

