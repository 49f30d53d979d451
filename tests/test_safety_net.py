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
