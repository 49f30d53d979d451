"""No space between two Han characters in anything the archive stores (issue 16):
justified lines with wide tracking come out of Tesseract as characters far apart."""

import re
import sqlite3

from PIL import Image, ImageDraw, ImageFont

from archive.model import Word
from archive.ocr import join_words
from testkit.render import SERIF

from .conftest import run_archive


def _words(texts, gap):
    out, x = [], 0.0
    for t in texts:
        out.append(Word(t, x, 0, x + 30, 30, 90))
        x += 30 + gap
    return out


def test_join_words_never_spaces_han_characters_however_far_apart():
    assert join_words(_words(["财", "政", "部", "部", "长"], gap=40)) == "财政部部长"
    assert join_words(_words(["准", "确", "，", "2023", "年"], gap=35)) == "准确，2023年"
    assert join_words(_words(["Evening", "Star"], gap=8)) == "Evening Star"


def test_quotes_and_dashes_shared_with_english_keep_the_space_of_an_english_line():
    # Curly quotes, the dash and the ellipsis are set in English too; beside Latin words
    # they are no CJK marks (the Evening Star's dialogue lost 17 of its 22 "said").
    assert join_words(_words(["you?’’", "said", "he"], gap=8)) == "you?’’ said he"
    assert join_words(_words(["“No,”", "said", "she", "—", "and", "went…"], gap=8)) \
        == "“No,” said she — and went…"
    assert join_words(_words(["说", "“", "北", "斗", "”", "GPS"], gap=20)) \
        == "说“北斗”GPS"


def test_a_justified_line_with_wide_tracking_is_stored_without_spaces(tmp_path, tesseract):
    """A paragraph whose first line is justified with a character's width of white after
    its second character (财政 部部长), read by the archive end to end: no stored text
    has a space between two Han characters, and the paragraph reads as printed."""
    font = ImageFont.truetype(str(SERIF), 40)
    lines = ["财政部部长准确地说明了经济", "软着陆的成果，国有企业改革", "正在普遍深入地展开了工作。"]
    img = Image.new("L", (1000, 500), 255)
    draw = ImageDraw.Draw(img)
    for k, line in enumerate(lines):
        x = 100
        for i, ch in enumerate(line):
            draw.text((x, 100 + k * 60), ch, font=font, fill=0)
            x += 42 + (40 if (k, i) == (0, 1) else 0)
    path = tmp_path / "tracked.png"
    img.save(path, dpi=(300, 300))
    db = tmp_path / "a.db"
    proc = run_archive("ingest", path, "--db", db, "-q", "--lang", "chi_sim")
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(db)
    texts = [t for (t,) in con.execute(
        "select body from articles union all select headline from articles union all select text from blocks "
        "union all select text from lines") if t]
    han_space = re.compile(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]")
    assert texts and not [t for t in texts if han_space.search(t)], texts
    bodies = [t for (t,) in con.execute("select body from articles") if t]
    assert any("财政" in b and "部部长准确地说明了经济软着陆" in b for b in bodies), bodies
