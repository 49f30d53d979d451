"""Specks on a scan are not read as marks of type (issue 16: devset pages are speckled,
and Tesseract read a speck alone in white as a hyphen at a line's end, a comma or a
quote between two characters)."""

import random
import sqlite3

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from archive.layout.image import binarise, despeckle
from testkit.render import SERIF

from .conftest import run_archive

# Every small mark of type a speck could be taken for: Han full stop, comma, enumeration
# comma, colon, semicolon, exclamation and question marks, an ellipsis, a middle dot in
# a name; Latin full stops, colons, semicolons, i and j.
LINES = ["国务院、参事：说明；可以！好吗？", "他说……马蒂厄·克雷库，然后。",
         "Mr. Smith: it is; indeed, jig!", "全国青少年足球锦标赛将于三月"]
SIZE = 36


def _page(specks: bool, seed: int = 3):
    """A page of the lines above, and where the specks went (None without them)."""
    font = ImageFont.truetype(str(SERIF), SIZE)
    img = Image.new("L", (900, 80 + 70 * len(LINES)), 255)
    draw = ImageDraw.Draw(img)
    for k, line in enumerate(LINES):
        draw.text((60, 40 + 70 * k), line, font=font, fill=0)
    arr = np.asarray(img).copy()
    if not specks:
        return arr, None
    rng = random.Random(seed)
    ink = binarise(arr)
    placed = []
    while len(placed) < 40:
        x, y, r = rng.randrange(10, arr.shape[1] - 10), rng.randrange(10, arr.shape[0] - 10), rng.choice((1, 2))
        # alone in white: nothing within a third of the type size
        m = SIZE // 3 + r
        if ink[max(0, y - m):y + m + 1, max(0, x - m):x + m + 1].any():
            continue
        arr[y - r:y + r + 1, x] = 0  # a cross, as a speck binarises
        arr[y, x - r:x + r + 1] = 0
        ink[y - r:y + r + 1, x - r:x + r + 1] = 255
        placed.append((x, y, r))
    return arr, placed


def test_specks_alone_in_white_are_whitened_and_every_mark_of_type_is_kept():
    clean, _ = _page(specks=False)
    speckled, placed = _page(specks=True)
    out = despeckle(speckled, float(SIZE))
    for x, y, r in placed:
        assert (out[y - r:y + r + 1, x - r:x + r + 1] == 255).all(), (x, y)
    # the type is untouched: every pixel of ink of the clean page is still there
    type_ink = binarise(clean) > 0
    assert (out[type_ink] == speckled[type_ink]).all()
    assert (despeckle(clean, float(SIZE)) == clean).all()


def test_a_speckled_column_reads_without_stray_marks(tmp_path, tesseract):
    """End to end: a scanned column (blurred, grainy, JPEG) with a speck half a
    character after each line's end and one in the white between lines reads without a
    comma, quote or any mark the page does not print. Read as it is, Tesseract gave
    侵， 质， 难， for 侵 质 难."""
    font = ImageFont.truetype(str(SERIF), SIZE)
    lines = ["我国各民族都遭受帝国主义的侵", "略和压迫，进了我国电子产品质", "量提高和出口贸易增长。",
             "现在起就要抓住矿业纠纷中的难", "点热点问题，加快速度解决它。", "这是一个很长的句子用于测试的",
             "文字内容以及其他。"]
    img = Image.new("L", (900, 1200), 255)  # a page: the type size is measured against its height
    draw = ImageDraw.Draw(img)
    for k, line in enumerate(lines):
        draw.text((60, 60 + 60 * k), line, font=font, fill=0)
    arr = np.asarray(img).astype(np.float32)
    for k, line in enumerate(lines):
        end = 60 + int(draw.textlength(line, font=font))
        for x, dy in ((end + SIZE // 2 - 2, 20), (200 + 60 * k, 52)):
            y = 60 + 60 * k + dy
            arr[y - 2:y + 3, x - 1:x + 2] = 20
            arr[y - 1:y + 2, x - 2:x + 3] = 20
    scan = Image.fromarray(arr.clip(0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
    grain = np.random.default_rng(1).normal(0, 8, arr.shape)
    scan = Image.fromarray((np.asarray(scan) + grain).clip(0, 255).astype(np.uint8))
    path = tmp_path / "speckled.jpg"
    scan.save(path, quality=70, dpi=(300, 300))
    db = tmp_path / "a.db"
    proc = run_archive("ingest", path, "--db", db, "-q", "--lang", "chi_sim")
    assert proc.returncode == 0, proc.stderr
    read = [t for (t,) in sqlite3.connect(db).execute("select text from lines order by y")]
    assert len(read) == len(lines), read
    marks = set("-_`.,:;'\"“”‘’、，。：；·")
    for got, want in zip(read, lines):
        assert [c for c in got if c in marks] == [c for c in want if c in marks], read
