"""A page renderer: Chinese newspaper pages with exact ground truth, degraded like a scan.

Real Chinese pages with ground truth are scarce, so tests and benchmarks render their
own: justified columns, a headline spanning its article's columns, a byline, crossheads,
a photo with its caption, column rules, a running head; then skew, blur, noise, yellowed
paper and JPEG. Beside each image goes a JSON with every block's kind, box (in the
degraded image's pixels), text, article and reading order.

    python -m archive.render --out raw_pages --pages 3 --seed 1 --source seeds/000_c24c6819f75a4cba.txt
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
SERIF = FONT_DIR / "NotoSerifCJK-Regular.ttc"
SANS_BOLD = FONT_DIR / "NotoSansCJK-Bold.ttc"


@functools.lru_cache(maxsize=64)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """The Simplified Chinese face of a Noto CJK collection."""
    for index in range(10):
        f = ImageFont.truetype(str(path), size, index=index)
        if " SC" in f.getname()[0]:
            return f
    return ImageFont.truetype(str(path), size)


@dataclass
class SourceArticle:
    headline: str
    byline: str | None
    paragraphs: list[tuple[str, str]]  # (kind, text): kind is paragraph or subhead
    caption: str | None = None


@dataclass
class Truth:
    blocks: list[dict] = field(default_factory=list)

    def add(self, kind, text, box, article, **extra):
        self.blocks.append({"kind": kind, "text": text, "bbox": [round(v, 1) for v in box],
                            "article": article, "order": len(self.blocks), **extra})


def articles_from_text(path: Path) -> list[SourceArticle]:
    """Articles to typeset, read from an OCR text stream by the archive's own cleanup."""
    from .model import TEXT, Block
    from .clean import clean
    from .segment import segment

    lines = Path(path).read_text(encoding="utf-8").split("\n")
    units, repairs = clean([Block(TEXT, ln) for ln in lines])
    out = []
    for a in segment(units, repairs):
        if not a.headline or not a.blocks:
            continue
        cap = a.captions[0].text if a.captions else None
        out.append(SourceArticle(a.headline, a.byline, [(b.kind, b.text) for b in a.blocks], cap))
    return out


class _Typesetter:
    def __init__(self, draw: ImageDraw.ImageDraw, dpi: int):
        self.draw = draw
        self.pt = dpi / 72.0
        self.body = font(SERIF, int(9.5 * self.pt))
        self.em = int(9.5 * self.pt)
        self.lead = int(self.em * 1.5)

    def lines(self, text: str, width: float, fnt, indent: int = 0) -> list[str]:
        out, cur, w = [], "", indent * fnt.size
        for ch in text:
            cw = fnt.getlength(ch)
            if w + cw > width and cur:
                out.append(cur)
                cur, w = "", 0
            cur += ch
            w += cw
        if cur:
            out.append(cur)
        return out

    def line(self, text: str, x: float, y: float, width: float, fnt, justify: bool, indent_px: float = 0):
        """Draw one line, justified by spreading the slack between characters."""
        x += indent_px
        width -= indent_px
        natural = sum(fnt.getlength(c) for c in text)
        gap = (width - natural) / (len(text) - 1) if justify and len(text) > 1 else 0
        gap = max(0.0, gap)
        cx = x
        for c in text:
            self.draw.text((cx, y), c, font=fnt, fill=0)
            cx += fnt.getlength(c) + gap
        return (x, y, cx - gap, y + fnt.size * 1.15)


def render_page(articles: list[SourceArticle], *, columns: int = 5, dpi: int = 300,
                seed: int = 0, degrade: str = "light") -> tuple[Image.Image, dict]:
    """Typeset ``articles`` on one page. Returns (degraded image, ground truth)."""
    rng = random.Random(seed)
    W, H = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    ts = _Typesetter(draw, dpi)
    truth = Truth()
    margin, gutter = int(0.45 * dpi), int(ts.em * 1.6)
    colw = (W - 2 * margin - (columns - 1) * gutter) / columns
    colx = [margin + i * (colw + gutter) for i in range(columns)]

    # Running head and its rule: page furniture.
    head_font = font(SERIF, int(8 * ts.pt))
    rh = f"第{seed % 8 + 1}版  2023年12月{seed % 28 + 1}日  星期{'一二三四五六日'[seed % 7]}"
    draw.text((margin, margin - 2 * ts.em), rh, font=head_font, fill=0)
    truth.add("furniture", rh, (margin, margin - 2 * ts.em, margin + head_font.getlength(rh), margin - 2 * ts.em + head_font.size * 1.15), None)
    draw.rectangle((margin, margin - int(0.4 * ts.em), W - margin, margin - int(0.4 * ts.em) + 3), fill=0)

    # Split the columns between up to two articles; the second is set beside the first.
    chosen = articles[:2] if len(articles) >= 2 else articles
    spans = [(0, columns)] if len(chosen) == 1 else [(0, columns - 2), (columns - 2, columns)]
    for ai, (art, (c0, c1)) in enumerate(zip(chosen, spans)):
        if ai > 0:  # a column rule between the two articles
            x = colx[c0] - gutter / 2
            draw.rectangle((x - 1, margin, x + 1, H - margin), fill=0)
        x0, x1 = colx[c0], colx[c1 - 1] + colw
        y = margin + ts.em
        hsize = int((22 if c1 - c0 >= 3 else 17) * ts.pt)
        hfont = font(SANS_BOLD, hsize)
        for hl in ts.lines(art.headline, x1 - x0, hfont):
            tw = sum(hfont.getlength(c) for c in hl)
            box = ts.line(hl, x0 + (x1 - x0 - tw) / 2, y, tw, hfont, justify=False)
            truth.add("headline", hl, box, ai)
            y += int(hsize * 1.3)
        y += ts.em // 2
        if art.byline:
            bfont = font(SERIF, int(9 * ts.pt))
            box = ts.line(art.byline, x0, y, x1 - x0, bfont, justify=False)
            truth.add("byline", art.byline, box, ai)
            y += int(bfont.size * 1.8)
        # Photo: in a multi-column article, two columns wide, a third of the way down.
        photo = None
        if art.caption and c1 - c0 >= 3:
            pc = rng.randrange(c0, c1 - 1)
            py0 = int(y + rng.uniform(0.25, 0.4) * (H - margin - y))
            py1 = py0 + int(colw * 1.2)
            px0, px1 = colx[pc], colx[pc + 1] + colw
            _draw_photo(img, (px0, py0, px1, py1), rng)
            truth.add("photo", "", (px0, py0, px1, py1), ai)
            cfont = font(SERIF, int(8 * ts.pt))
            cy = py1 + ts.em // 3
            caption_lines = ts.lines(art.caption, px1 - px0, cfont)
            cboxes = []
            for cl in caption_lines:
                cboxes.append(ts.line(cl, px0, cy, px1 - px0, cfont, justify=False))
                cy += int(cfont.size * 1.4)
            truth.add("caption", art.caption, _union(cboxes), ai)
            photo = (pc, pc + 1, py0, cy + ts.em // 2)
        # Body, column by column, skipping the photo's slot.
        top = y
        col, cy = c0, top
        bottom = H - margin
        for kind, text in art.paragraphs:
            fnt = font(SANS_BOLD, int(10 * ts.pt)) if kind == "subhead" else ts.body
            indent = 0 if kind == "subhead" else 2
            lines = ts.lines(text, colw, fnt, indent=indent)
            boxes = []
            for li, ln in enumerate(lines):
                if photo and photo[0] <= col <= photo[1] and photo[2] - ts.lead < cy < photo[3]:
                    cy = photo[3]
                if cy + ts.lead > bottom:
                    if boxes:
                        truth.add(kind, "".join(lines[:li][-len(boxes):]), _union(boxes), ai, continues=True)
                        boxes = []
                    col += 1
                    cy = top
                    if col >= c1:
                        break
                    if photo and photo[0] <= col <= photo[1] and photo[2] - ts.lead < cy < photo[3]:
                        cy = photo[3]
                first = li == 0
                if kind == "subhead":
                    tw = sum(fnt.getlength(c) for c in ln)
                    box = ts.line(ln, colx[col] + (colw - tw) / 2, cy, tw, fnt, justify=False)
                else:
                    last = li == len(lines) - 1
                    box = ts.line(ln, colx[col], cy, colw, fnt, justify=not last,
                                  indent_px=2 * fnt.size if first else 0)
                boxes.append(box)
                cy += ts.lead
            if col >= c1:
                break
            if boxes:
                n = len(boxes)
                truth.add(kind, "".join(lines[-n:]) if n < len(lines) else text, _union(boxes), ai)
            if kind == "subhead":
                cy += ts.lead // 3
        # Text that did not fit is simply not on this page: truth holds what is printed.

    page_truth = {"width": W, "height": H, "dpi": dpi, "columns": columns,
                  "articles": [{"headline": a.headline, "byline": a.byline} for a in chosen],
                  "blocks": truth.blocks}
    out, page_truth = _degrade(img, page_truth, rng, degrade)
    return out, page_truth


def _union(boxes):
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _draw_photo(img: Image.Image, box, rng: random.Random) -> None:
    """A photo-like region: smooth gradients and soft shapes in mid-tones."""
    x0, y0, x1, y1 = map(int, box)
    w, h = x1 - x0, y1 - y0
    yy, xx = np.mgrid[0:h, 0:w]
    base = 110 + 50 * np.sin(xx / w * rng.uniform(2, 5)) * np.cos(yy / h * rng.uniform(2, 5))
    for _ in range(6):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.1, 0.3) * min(w, h)
        base -= 45 * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    arr = np.clip(base, 30, 200).astype(np.uint8)
    img.paste(Image.fromarray(arr), (x0, y0))


def _degrade(img: Image.Image, truth: dict, rng: random.Random, level: str):
    """Skew, blur, noise, yellowed paper and JPEG; boxes follow the rotation."""
    heavy = level == "heavy"
    angle = rng.uniform(-1.5, 1.5) * (2 if heavy else 1)
    W, H = img.size
    rot = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255, center=(W / 2, H / 2))
    theta = np.deg2rad(angle)
    c, s = np.cos(theta), np.sin(theta)

    def tx(x, y):  # PIL rotates counter-clockwise about the centre
        dx, dy = x - W / 2, y - H / 2
        return W / 2 + c * dx + s * dy, H / 2 - s * dx + c * dy

    for b in truth["blocks"]:
        x0, y0, x1, y1 = b["bbox"]
        pts = [tx(x0, y0), tx(x1, y0), tx(x0, y1), tx(x1, y1)]
        b["bbox"] = [round(min(p[0] for p in pts), 1), round(min(p[1] for p in pts), 1),
                     round(max(p[0] for p in pts), 1), round(max(p[1] for p in pts), 1)]
    truth["skew_degrees"] = round(angle, 3)
    rot = rot.filter(ImageFilter.GaussianBlur(radius=1.2 if heavy else 0.6))
    arr = np.asarray(rot).astype(np.float32)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    arr += nrng.normal(0, 14 if heavy else 6, arr.shape)
    # Yellowed, unevenly lit paper: darker toward one corner.
    yy, xx = np.mgrid[0:H, 0:W]
    shade = 1.0 - (0.18 if heavy else 0.08) * (xx / W + yy / H) / 2
    arr = np.clip(arr * shade, 0, 255)
    rgb = np.stack([arr, arr * 0.96, arr * 0.84], axis=-1).clip(0, 255).astype(np.uint8)
    return Image.fromarray(rgb, "RGB"), truth


def render_set(out: Path, source: Path, n: int, *, seed: int = 1, dpis=(300,), columns=(4, 5, 5, 6),
               quality: int = 85, prefix: str = "rendered") -> list[Path]:
    """``n`` pages of articles from ``source`` (an OCR text stream), seeded: columns and
    resolution drawn from ``columns`` and ``dpis``, every third page heavily degraded.
    Writes STEM.jpg and its truth STEM.json; returns the image paths."""
    arts = articles_from_text(source)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        rng = random.Random(seed * 1000 + k)
        picked = rng.sample(arts, k=min(2, len(arts)))
        ncols = rng.choice(list(columns))
        dpi = rng.choice(list(dpis)) if len(dpis) > 1 else dpis[0]
        img, truth = render_page(picked, columns=ncols, dpi=dpi,
                                 seed=seed * 1000 + k, degrade="heavy" if k % 3 == 2 else "light")
        stem = f"{prefix}_{seed:02d}_{k:02d}"
        img.save(out / f"{stem}.jpg", quality=quality, dpi=(dpi, dpi))
        (out / f"{stem}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(out / f"{stem}.jpg")
    return paths


def main(argv=None):
    import argparse

    ap = argparse.ArgumentParser(description="Render synthetic newspaper pages with ground truth.")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--source", required=True, type=Path, help="OCR text stream with articles to typeset")
    ap.add_argument("--pages", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--quality", type=int, default=85, help="JPEG quality")
    args = ap.parse_args(argv)
    for path in render_set(args.out, args.source, args.pages, seed=args.seed, dpis=(args.dpi,),
                           quality=args.quality):
        print(path)


if __name__ == "__main__":
    main()
