"""hOCR out: the page as HTML with OCR properties (bbox, x_wconf), which hOCR tools
(hocr-tools, hocr-pdf, ocrmypdf's hocrtransform) and many viewers read."""

from __future__ import annotations

import html

from ..model import Kind

CLASSES = {Kind.HEADLINE: "ocr_header", Kind.KICKER: "ocr_header", Kind.SUBHEAD: "ocr_header",
           Kind.CAPTION: "ocr_caption", Kind.FOOTNOTE: "ocr_footer", Kind.PAGE_NUMBER: "ocr_pageno",
           Kind.RUNNING_HEAD: "ocr_header", Kind.MASTHEAD: "ocr_header"}


def _bbox(b) -> str:
    x0, y0, x1, y1 = (int(round(v)) for v in b)
    return f"bbox {x0} {y0} {x1} {y1}"


def write(stored, image_name: str | None = None) -> bytes:
    page = stored.page
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
           '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
           '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en"><head><title></title>',
           '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
           '<meta name="ocr-system" content="newspaper-archive"/>',
           '<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word '
           'ocr_header ocr_caption ocr_photo ocr_separator ocr_pageno ocr_footer"/>',
           '</head><body>']
    image = html.escape(image_name or page.source_path, quote=True)
    out.append(f'<div class="ocr_page" id="page_1" title="image &quot;{image}&quot;; '
               f'{_bbox((0, 0, page.width or 0, page.height or 0))}; ppageno 0">')
    for n, b in enumerate(page.blocks):
        if not b.bbox:
            continue
        art = f' data-article="{b.article + 1}"' if b.article is not None else ""
        if b.kind == Kind.PHOTO:
            out.append(f'<div class="ocr_photo" id="block_{n + 1}" title="{_bbox(b.bbox)}"{art}></div>')
            continue
        if b.kind == Kind.RULE:
            out.append(f'<div class="ocr_separator" id="block_{n + 1}" title="{_bbox(b.bbox)}"></div>')
            continue
        out.append(f'<div class="ocr_carea" id="block_{n + 1}" title="{_bbox(b.bbox)}" data-kind="{b.kind}"{art}>')
        cls = CLASSES.get(b.kind, "ocr_par")
        out.append(f'<p class="{cls}" id="par_{n + 1}" title="{_bbox(b.bbox)}">')
        for k, ln in enumerate(b.lines):
            out.append(f'<span class="ocr_line" id="line_{n + 1}_{k + 1}" title="{_bbox(ln.bbox or b.bbox)}">')
            for j, w in enumerate(ln.words):
                conf = f"; x_wconf {int(round(w.conf))}" if w.conf >= 0 else ""
                out.append(f'<span class="ocrx_word" id="word_{n + 1}_{k + 1}_{j + 1}" '
                           f'title="{_bbox((w.x0, w.top, w.x1, w.bottom))}{conf}">{html.escape(w.text)}</span>')
            if not ln.words:
                out.append(html.escape(ln.text))
            out.append("</span>")
        out.append("</p></div>")
    out.append("</div></body></html>")
    return "\n".join(out).encode("utf-8")
