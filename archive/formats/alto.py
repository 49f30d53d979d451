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

from ..model import PHOTO, TEXT, Block, Line, Word, union_bbox
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
                             font_size=float(heights[len(heights) // 2]) if heights else None))
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
    for el in page.iter("{*}TextBlock", "{*}Illustration"):
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
                lines.append(Line(join_words(words), _box(tl) or union_bbox((w.x0, w.top, w.x1, w.bottom)
                                                                             for w in words), words))
        if lines:
            confs = [w.conf for ln in lines for w in ln.words if w.conf >= 0]
            out.blocks.append(Block(TEXT, text="\n".join(ln.text for ln in lines),
                                    bbox=_box(el) or union_bbox(ln.bbox for ln in lines), lines=lines,
                                    confidence=round(sum(confs) / len(confs), 1) if confs else None))
    return out
