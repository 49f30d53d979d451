"""ALTO in: a page as another OCR engine read it (ABBYY, PrimeOCR, Tesseract...).

Every ALTO version (1.x to 4.x) is read by element names, whatever its namespace. Its
text blocks, lines, words, boxes and word confidences become the page's blocks, lines
and words, in the file's order, in the pixels of the page image beside it (ALTO
measures in pixels, 1/1200 inch or 1/10 mm; the page's WIDTH and HEIGHT give the scale).
A line that ends in a hyphen (``HYP``) keeps it, so cleanup's dehyphenation records the
join as for any other page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..model import PHOTO, TEXT, Block, Kind, Line, Word, union_bbox

KIND_TAG = "block kind"
from .. import patterns as P
from ..layout import line_size
from ..ocr import join_words


@dataclass
class AltoPage:
    width: float  # in the ALTO's own unit
    height: float
    unit: str
    blocks: list[Block] = field(default_factory=list)  # in the ALTO's unit until scaled
    software: str | None = None
    image_name: str | None = None  # sourceImageInformation/fileName

    def scaled(self, sx: float, sy: float) -> list[Block]:
        """The blocks in the pixels of an image ``sx`` and ``sy`` times the ALTO's units."""
        def box(b):
            return None if b is None else (b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy)

        out = []
        for b in self.blocks:
            lines = [Line(ln.text, box(ln.bbox), [Word(w.text, w.x0 * sx, w.top * sy, w.x1 * sx, w.bottom * sy, w.conf)
                                                  for w in ln.words]) for ln in b.lines]
            heights = sorted(line_size(ln) for ln in lines if ln.bbox)
            out.append(Block(b.kind, text=b.text, bbox=box(b.bbox), lines=lines, confidence=b.confidence,
                             font_size=float(heights[len(heights) // 2]) if heights else None, region=b.region))
        return out


def _f(el, name: str) -> float:
    try:
        return float(el.get(name) or 0)
    except ValueError:
        return 0.0


def _box(el):
    x, y, w, h = _f(el, "HPOS"), _f(el, "VPOS"), _f(el, "WIDTH"), _f(el, "HEIGHT")
    return (x, y, x + w, y + h) if w > 0 and h > 0 else None


def _conf(s) -> float:
    """A word's confidence, 0-100: WC (0-1), else the mean of CC (0 sure - 9 unsure)."""
    wc = s.get("WC")
    if wc:
        try:
            return round(float(wc) * 100, 1)
        except ValueError:
            pass
    cc = (s.get("CC") or "").split()
    if cc and all(c.isdigit() for c in cc):
        return round(100 - 10 * sum(map(int, cc)) / len(cc), 1)
    return -1.0


def read(path: Path) -> AltoPage:
    """Parse an ALTO file (any version)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=True)
    root = etree.parse(str(path), parser).getroot()
    page = root.find(".//{*}Page")
    if page is None:
        raise ValueError("an ALTO file without a Page")
    unit = (root.findtext(".//{*}MeasurementUnit") or "pixel").strip()
    software = " ".join(filter(None, (root.findtext(".//{*}softwareName"), root.findtext(".//{*}softwareVersion"))))
    out = AltoPage(_f(page, "WIDTH"), _f(page, "HEIGHT"), unit, software=software or None,
                   image_name=(root.findtext(".//{*}sourceImageInformation/{*}fileName") or "").strip() or None)
    # Tags this archive writes (and some libraries' ALTO carries): a block's kind as a
    # LayoutTag of TYPE "block kind", its article as a StructureTag of TYPE "article".
    kinds, articles = {}, {}
    for tag in root.iter("{*}LayoutTag", "{*}StructureTag"):
        ttype, label = (tag.get("TYPE") or "").lower(), tag.get("LABEL") or ""
        if ttype == KIND_TAG and label in Kind._value2member_map_:
            kinds[tag.get("ID")] = Kind(label)
        elif ttype == "article":
            articles[tag.get("ID")] = len(articles)
    for el in page.iter("{*}TextBlock", "{*}Illustration"):
        refs = (el.get("TAGREFS") or "").split()
        kind = next((kinds[r] for r in refs if r in kinds), None)
        region = next((articles[r] for r in refs if r in articles), None)
        if etree.QName(el).localname == "Illustration":
            box = _box(el)
            if box:
                out.blocks.append(Block(PHOTO, bbox=box))
            continue
        lines = []
        for tl in el.iter("{*}TextLine"):
            words, parts = [], []
            for child in tl:
                name = etree.QName(child).localname
                if name == "String":
                    text = child.get("CONTENT") or ""
                    box = _box(child) or _box(tl) or (0, 0, 0, 0)
                    if text:
                        words.append(Word(text, *box, conf=_conf(child)))
                        parts.append(text)
                elif name == "HYP" and parts:
                    parts[-1] += child.get("CONTENT") or "-"
                    words[-1] = Word(parts[-1], words[-1].x0, words[-1].top, words[-1].x1, words[-1].bottom,
                                     words[-1].conf)
            if words:
                # as for every engine's lines: ASCII marks touching Han characters read full-width
                lines.append(Line(P.cjk_punctuation(join_words(words)), _box(tl) or union_bbox((w.x0, w.top, w.x1, w.bottom)
                                                                             for w in words), words))
        if lines:
            confs = [w.conf for ln in lines for w in ln.words if w.conf >= 0]
            out.blocks.append(Block(kind or TEXT, text="\n".join(ln.text for ln in lines),
                                    bbox=_box(el) or union_bbox(ln.bbox for ln in lines), lines=lines,
                                    confidence=round(sum(confs) / len(confs), 1) if confs else None,
                                    region=region))
    return out


# --- ALTO out ------------------------------------------------------------------------------

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_XSD = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _pos(el, bbox) -> None:
    x0, y0, x1, y1 = bbox
    el.set("HPOS", f"{x0:.0f}")
    el.set("VPOS", f"{y0:.0f}")
    el.set("WIDTH", f"{max(x1 - x0, 1):.0f}")
    el.set("HEIGHT", f"{max(y1 - y0, 1):.0f}")


def write(stored, image_name: str | None = None) -> bytes:
    """ALTO 4.4 of a stored page (``store.StoredPage``): every block in reading order
    (text as TextBlock, photos as Illustration, rules as GraphicalElement), lines and
    words with their boxes and confidences (WC, 0-1), the reading order as an
    OrderedGroup, and each article a StructureTag its blocks refer to (TAGREFS)."""
    from .. import __version__

    page = stored.page
    root = etree.Element(f"{{{ALTO_NS}}}alto", nsmap={None: ALTO_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{ALTO_NS} {ALTO_XSD}")
    root.set("SCHEMAVERSION", "4.4")
    q = lambda tag: f"{{{ALTO_NS}}}{tag}"  # noqa: E731
    desc = etree.SubElement(root, q("Description"))
    etree.SubElement(desc, q("MeasurementUnit")).text = "pixel"
    if image_name:
        src = etree.SubElement(desc, q("sourceImageInformation"))
        etree.SubElement(src, q("fileName")).text = image_name
    proc = etree.SubElement(desc, q("Processing"), ID="PROC1")
    etree.SubElement(proc, q("processingCategory")).text = "contentGeneration"
    etree.SubElement(proc, q("processingStepDescription")).text = (
        f"read by {page.ocr_engine or page.source_kind}; layout, cleanup and articles by newspaper-archive")
    sw = etree.SubElement(proc, q("processingSoftware"))
    etree.SubElement(sw, q("softwareName")).text = "newspaper-archive"
    etree.SubElement(sw, q("softwareVersion")).text = __version__
    used = sorted({b.kind for b in page.blocks if b.bbox and b.kind.is_text})
    if stored.articles or used:
        tags = etree.SubElement(root, q("Tags"))
        for kind in used:
            etree.SubElement(tags, q("LayoutTag"), ID=f"K_{kind}", TYPE=KIND_TAG, LABEL=str(kind))
        for k, a in enumerate(stored.articles):
            t = etree.SubElement(tags, q("StructureTag"), ID=f"ART{k + 1}", TYPE="article")
            t.set("LABEL", (a.headline or "(no headline)")[:200])
            if a.advertisement:
                t.set("DESCRIPTION", "advertisement")
    ordered = [(n, b) for n, b in enumerate(page.blocks) if b.bbox]
    if ordered:
        ro = etree.SubElement(etree.SubElement(root, q("ReadingOrder")), q("OrderedGroup"), ID="RO1")
        for n, _ in ordered:
            etree.SubElement(ro, q("ElementRef"), ID=f"RO1_{n + 1}", REF=f"B{n + 1}")
    layout = etree.SubElement(root, q("Layout"))
    pg = etree.SubElement(layout, q("Page"), ID="PAGE1", PHYSICAL_IMG_NR=str(page.page_number or 1))
    pg.set("WIDTH", str(page.width or 0))
    pg.set("HEIGHT", str(page.height or 0))
    space = etree.SubElement(pg, q("PrintSpace"), ID="SPACE1")
    _pos(space, (0, 0, page.width or 1, page.height or 1))
    for n, b in ordered:
        bid = f"B{n + 1}"
        if b.kind == Kind.PHOTO:
            el = etree.SubElement(space, q("Illustration"), ID=bid, TYPE="photo")
        elif b.kind == Kind.RULE:
            el = etree.SubElement(space, q("GraphicalElement"), ID=bid)
        else:
            el = etree.SubElement(space, q("TextBlock"), ID=bid)
        _pos(el, b.bbox)
        refs = ([f"K_{b.kind}"] if b.kind.is_text else []) + ([f"ART{b.article + 1}"] if b.article is not None else [])
        if refs:
            el.set("TAGREFS", " ".join(refs))
        if el.tag != q("TextBlock"):
            continue
        lines = b.lines or [Line(b.text, b.bbox, [])]
        for k, ln in enumerate(lines):
            tl = etree.SubElement(el, q("TextLine"), ID=f"{bid}_L{k + 1}")
            _pos(tl, ln.bbox or b.bbox)
            words = ln.words or [Word(ln.text, *(ln.bbox or b.bbox), conf=-1.0)]
            for j, w in enumerate(words):
                if j:
                    etree.SubElement(tl, q("SP"))
                s = etree.SubElement(tl, q("String"), ID=f"{bid}_L{k + 1}_W{j + 1}", CONTENT=w.text)
                _pos(s, (w.x0, w.top, w.x1, w.bottom))
                if w.conf >= 0:
                    s.set("WC", f"{min(w.conf, 100) / 100:.2f}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def image_name(path: Path) -> str | None:
    """sourceImageInformation/fileName, read without parsing the page's text."""
    try:
        for _, el in etree.iterparse(str(path), events=("end",), resolve_entities=False, no_network=True,
                                     huge_tree=True):
            name = etree.QName(el).localname
            if name == "fileName":
                return (el.text or "").strip() or None
            if name in ("Description", "Layout"):
                return None
    except (etree.XMLSyntaxError, OSError):
        return None
    return None
