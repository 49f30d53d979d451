"""The safety net (issue 15 must-have 6): when our layout's reading of a page is
implausible, Tesseract's own segmentation is tried and kept only where it reads better,
and never where its lines run across our columns."""
import numpy as np

from archive import ocr
from archive.model import BODY, PHOTO, Block, Line, PageLayout, Word


def _line(x0, y0, x1, y1, conf):
    return Line("字" * 4, bbox=(x0, y0, x1, y1), words=[Word("字" * 4, x0, y0, x1, y1, conf)])


def _two_columns(conf):
    """Our reading: two columns of ten lines, each 400 px wide with a 40-px gutter."""
    blocks = []
    for x0 in (100, 540):
        lines = [_line(x0, 100 + 40 * k, x0 + 400, 130 + 40 * k, conf) for k in range(10)]
        blocks.append(Block(BODY, text="", bbox=(x0, 100, x0 + 400, 490), lines=lines))
    return PageLayout(image=np.full((1200, 1100), 255, np.uint8), blocks=list(blocks), ordered=blocks)


def test_a_reading_across_the_columns_is_not_taken_however_confident():
    lay = _two_columns(conf=60)
    across = [[_line(100, 100 + 40 * k, 940, 130 + 40 * k, conf=70) for k in range(10)]]
    assert ocr.implausible(lay) == "mean word confidence 60"
    assert ocr.across_columns(across, lay) == 1.0
    assert not ocr._better(across, lay)


def test_a_more_confident_reading_within_the_columns_is_taken():
    lay = _two_columns(conf=60)
    within = [[_line(x0, 100 + 40 * k, x0 + 400, 130 + 40 * k, conf=70) for k in range(10)] for x0 in (100, 540)]
    assert ocr.across_columns(within, lay) == 0.0
    assert ocr._better(within, lay)
    assert not ocr._better([[_line(x0, 100 + 40 * k, x0 + 400, 130 + 40 * k, conf=55) for k in range(10)]
                            for x0 in (100, 540)], lay)


def test_a_page_taken_for_one_photo_is_implausible():
    """Light text on a dark ground is one dark area: our layout sees a photo and no
    text, and the engine's lines cross none of our columns."""
    lay = PageLayout(image=np.full((1000, 800), 255, np.uint8), blocks=[Block(PHOTO, bbox=(0, 0, 800, 900))],
                     ordered=[])
    assert ocr.implausible(lay).startswith("photos cover 90%")
    assert ocr._better([[_line(50, 100, 700, 130, conf=80)]], lay)


def _page_with_a_drawing(path):
    """Three paragraphs of English in the left column; in the right one a line drawing
    (random strokes and hatching, as in a cartoon) over a fourth paragraph."""
    import textwrap

    from PIL import Image, ImageDraw, ImageFont

    from testkit.render import SERIF

    rng = np.random.default_rng(3)
    im = Image.new("L", (2400, 3000), 255)
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(str(SERIF), 34)
    lines = textwrap.wrap("The committee met on Tuesday evening at the town hall to consider the petition "
                          "of the residents of the eastern ward, who ask that the road be paved before the "
                          "winter sets in. " * 6, 50)
    printed = []
    y = 150
    for _ in range(3):
        for ln in lines[:12]:
            d.text((150, y), ln, font=f, fill=0)
            printed.append(ln)
            y += 46
        y += 30
    drawing = (1300, 200, 2250, 1400)
    x0, y0, x1, y1 = drawing
    for _ in range(60):
        pts = [(rng.uniform(x0, x1), rng.uniform(y0, y1))]
        for _ in range(6):
            px, py = pts[-1]
            pts.append((np.clip(px + rng.normal(0, 60), x0, x1), np.clip(py + rng.normal(0, 60), y0, y1)))
        d.line(pts, fill=0, width=3)
    for k in range(40):
        d.line([(x0 + 20 * k, y1 - 300), (x0 + 20 * k + 40, y1 - 260)], fill=0, width=2)
    y = 1500
    for ln in lines[:14]:
        d.text((1300, y), ln, font=f, fill=0)
        printed.append(ln)
        y += 46
    im.save(path, dpi=(300, 300))
    return drawing, printed


def test_a_drawing_the_layout_cut_into_text_blocks_is_a_picture(tmp_path, tesseract):
    """The layout cuts a line drawing into blocks of "text" the engine reads at a third
    of the page's confidence; those are one picture, and the paragraphs all stay text."""
    from archive import pipeline
    from archive.model import Options, PageContext

    drawing, printed = _page_with_a_drawing(tmp_path / "page.png")
    page = pipeline.process_page(PageContext(tmp_path / "page.png", 1, Options(lang="eng"))).page
    text = [b for b in page.blocks if b.kind.is_text and b.bbox]

    def inside(b):
        w = min(b.bbox[2], drawing[2]) - max(b.bbox[0], drawing[0])
        h = min(b.bbox[3], drawing[3]) - max(b.bbox[1], drawing[1])
        return max(0, w) * max(0, h)

    area = (drawing[2] - drawing[0]) * (drawing[3] - drawing[1])
    # before the rule the drawing's text blocks covered 84% of it
    assert sum(map(inside, text)) < 0.4 * area
    # and the drawing is one picture, not one for each piece the layout cut
    photos = [b for b in page.blocks if b.kind == PHOTO and inside(b)]
    assert len(photos) == 1 and inside(photos[0]) > 0.8 * area
    words = " ".join(b.text for b in text).split()
    assert words.count("committee") >= 0.9 * sum(ln.split().count("committee") for ln in printed)
