"""The full stop chi_sim drops at a line's end is given back from the ring on the page
(``ocr.closing_marks``), and nothing else on a line's row is taken for one."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from archive import ocr
from archive.layout.image import binarise
from archive.model import Block, Line, Word
from testkit.render import SERIF, font

EM = 36  # a body glyph at 300 dpi


def _line(text: str, read: str, chunk: int = 1, width_em: int = 0, draw_more=None):
    """``text`` set in a serif CJK face on a white strip, as ink, and the line the
    engine gave back: ``read``, one word per ``chunk`` characters, on their ink's box.
    ``width_em`` widens the strip (a column wider than a short last line);
    ``draw_more(draw)`` adds ink before the strip is binarised."""
    fnt = font(SERIF, EM)
    width = EM * max(len(text) + 3, width_em)
    img = Image.new("L", (width, 3 * EM), 255)
    draw = ImageDraw.Draw(img)
    x, words = EM, []
    for i, ch in enumerate(text):
        draw.text((x + i * EM, EM), ch, font=fnt, fill=0)
    if draw_more:
        draw_more(draw)
    ink = binarise(np.asarray(img))
    for i in range(0, len(read), chunk):  # each word's box on its characters' ink
        a, z = x + i * EM, x + min(len(read), i + chunk) * EM
        ys, xs = np.nonzero(ink[:, a:z])
        words.append(Word(read[i:i + chunk], float(a + xs.min()), float(ys.min()), float(a + xs.max() + 1),
                          float(ys.max() + 1), 92.0))
    ys, xs = np.nonzero(ink)
    ln = Line(read, (words[0].x0, words[0].top, words[-1].x1, words[0].bottom), words)
    return ink, Block(kind="body", bbox=(float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)),
                      font_size=float(EM), lines=[ln], text=read)


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
def test_a_full_stop_dropped_at_a_lines_end_is_given_back():
    ink, block = _line("的一项重要政治制度。", "的一项重要政治制度")
    assert ocr.closing_marks(ink, [block]) == 1
    ln = block.lines[0]
    assert ln.text == "的一项重要政治制度。" and block.text == ln.text
    stop = ln.words[-1]
    assert stop.text == "。" and stop.x0 > ln.words[-2].x1 - 2 and stop.x1 - stop.x0 < EM / 2


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
@pytest.mark.parametrize("text, read", [
    ("的一项重要政治制度。", "的一项重要政治制度。"),  # read: nothing to give back
    ("对经济增长的依赖", "对经济增长的依赖"),  # no stop printed
    ("产流失现象，", "产流失现象"),  # a comma has no ring
    ("气温为二十度°", "气温为二十度"),  # a ring set high is a degree
    ("增长了百分之O", "增长了百分之"),  # a Latin O stands taller than half an em
    ("国家财政预算", "国家财政预"),  # a character's own closed parts are no stop
])
def test_nothing_but_a_stops_ring_is_taken_for_one(text, read):
    ink, block = _line(text, read)
    assert ocr.closing_marks(ink, [block]) == 0
    assert block.lines[0].text == read


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
def test_the_stop_is_found_when_the_engine_gives_words_of_several_characters():
    ink, block = _line("的一项重要政治制度。", "的一项重要政治制度", chunk=3)
    assert ocr.closing_marks(ink, [block]) == 1
    assert block.lines[0].text == "的一项重要政治制度。"


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
def test_a_speck_further_along_a_short_last_line_does_not_hide_its_stop():
    # a paragraph's last line, two characters and a stop, in a column 12 em wide with a
    # speck of dirt 6 em on, level with the stop
    def speck(draw):
        x, y = EM + 9 * EM, int(1.6 * EM)
        draw.ellipse((x, y, x + 4, y + 4), fill=0)
    ink, block = _line("制度。", "制度", width_em=12, draw_more=speck)
    assert ocr.closing_marks(ink, [block]) == 1
    assert block.lines[0].text == "制度。"


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
def test_a_worn_ring_broken_open_is_still_a_stop():
    ink, block = _line("的一项重要政治制度。", "的一项重要政治制度")
    # wear the ring open: clear a gap of two pixels through its left side
    x = EM + 9 * EM
    ys, xs = np.nonzero(ink[:, x:x + EM])
    left, mid = x + xs.min(), (ys.min() + ys.max()) // 2
    ink[mid - 1:mid + 1, left:left + EM // 6] = 0
    assert ocr.closing_marks(ink, [block]) == 1
    assert block.lines[0].text.endswith("。")


def _measure(block: Block, cells: int) -> Block:
    """The block as wide as a column of ``cells`` characters (its other lines, ending in
    characters, set its right edge)."""
    x0, y0, _, y1 = block.bbox
    block.bbox = (x0, y0, float(EM + cells * EM - 2), y1)
    return block


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
def test_a_comma_dropped_at_the_end_of_a_full_line_is_given_back():
    ink, block = _line("发挥自身的优势，", "发挥自身的优势")
    assert ocr.closing_marks(ink, [_measure(block, 8)]) == 1
    ln = block.lines[0]
    assert ln.text == "发挥自身的优势，" and block.text == ln.text
    comma = ln.words[-1]
    assert comma.text == "，" and comma.x0 >= ln.words[-2].x1 - 2 and comma.x1 - comma.x0 < EM / 3


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
@pytest.mark.parametrize("text, read, cells", [
    ("发挥自身的优势，", "发挥自身的优势", 12),  # the line stops short of the column's edge
    ("工人、农民、", "工人、农民", 6),  # a 、 runs down to the right
    ("发挥自身的优势；", "发挥自身的优势", 8),  # two marks in the cell
    ("发挥自身的优势.", "发挥自身的优势", 8),  # a dot is no comma
])
def test_nothing_but_a_comma_closing_a_full_line_is_taken_for_one(text, read, cells):
    ink, block = _line(text, read)
    assert ocr.closing_marks(ink, [_measure(block, cells)]) == 0
    assert block.lines[0].text == read


@pytest.mark.skipif(not SERIF.exists(), reason="Noto CJK fonts not installed")
def test_a_narrow_stroke_running_down_to_the_right_is_no_comma():
    # a 、 of a narrower face than Noto's: upright as a comma, but slanted the other way
    def stroke(draw):
        x, y = EM + 7 * EM + 2, EM + int(0.95 * EM)  # low in the cell after the last character
        draw.line((x, y, x + int(0.15 * EM), y + int(0.3 * EM)), fill=0, width=3)
    ink, block = _line("发挥自身的优势", "发挥自身的优势", draw_more=stroke)
    assert ocr.closing_marks(ink, [_measure(block, 8)]) == 0
