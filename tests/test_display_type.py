"""Display type on pages of advertisements and under mastheads (issue 15): lines set in
letterspaced caps, notices boxed by rules, the issue's date spread across the page.
Measured on NCSE's Publishers' Circular and the Evening Star of 1915-1920; plain
blocks as the layout stage measures them, no image."""

import numpy as np

from archive import layout
from archive.layout import regions
from archive.model import HEADLINE, RULE, TEXT, Block, Kind, Line, PageLayout


def piece(x0, x1, top, h) -> Block:
    return Block(TEXT, bbox=(float(x0), float(top), float(x1), float(top + h)), font_size=float(h))


def test_a_letterspaced_line_of_caps_is_one_block():
    """CROWN BUILDINGS, 188 FLEET STREET, E.C.: caps 21-24 px high, 28-31 with a comma
    under the line, words an em apart. Five pieces, five crops read alone."""
    words = [piece(418, 548, 1611, 24), piece(572, 778, 1612, 28), piece(805, 854, 1613, 21),
             piece(876, 990, 1612, 22), piece(1016, 1159, 1612, 31), piece(1182, 1246, 1613, 24)]
    merged = regions.merge_touching(words)
    assert [b.bbox for b in merged] == [(418.0, 1611.0, 1246.0, 1643.0)]


def test_words_of_one_line_stay_apart_across_a_gutter_or_in_unlike_sizes():
    gutter = (560.0, 1500.0, 562.0, 1800.0)
    assert len(regions.merge_touching([piece(418, 548, 1611, 24), piece(572, 778, 1612, 28)],
                                      gutters=[gutter])) == 2
    # a headline beside a line of body type on its row, a word space apart
    assert len(regions.merge_touching([piece(100, 600, 1600, 48), piece(620, 900, 1614, 22)])) == 2
    # a block of lines beside a piece of one with a comma under it: the block's own
    # lines hold its words, and its height says nothing of a line's
    column = Block(TEXT, bbox=(100.0, 1600.0, 500.0, 1800.0), font_size=24.0)
    assert len(regions.merge_touching([column, piece(520, 600, 1600, 31)])) == 2


def _rule(y: float, x0: float = 90.0, x1: float = 1470.0) -> Block:
    return Block(RULE, bbox=(x0, y, x1, y + 3))


def test_advertisements_boxed_by_rules_are_no_table():
    """The Publishers' Circular, 1886: three rows of boxed advertisements, each a name
    in display type over lines of small type. Read as one table, their text belonged to
    no article. Rows of cells in one size between the same rules are a table."""
    body = 22.0
    rules = [_rule(y) for y in (466.0, 780.0, 1090.0, 1390.0)]
    ads = []
    for top in (493.0, 804.0, 1109.0):
        for x0 in (110.0, 790.0):
            ads += [piece(x0, x0 + 600, top, 48), piece(x0 + 40, x0 + 560, top + 70, 22),
                    piece(x0 + 40, x0 + 560, top + 110, 22), piece(x0 + 100, x0 + 500, top + 150, 18)]
    assert layout.find_tables(rules + ads, body) == []
    cells = [piece(x0, x0 + 200, top + dy, 22) for top in (493.0, 804.0, 1109.0) for dy in (0, 60, 120)
             for x0 in (110.0, 500.0, 900.0)]
    assert layout.find_tables(rules + cells, body) == [(90.0, 466.0, 1470.0, 1393.0)]


def test_a_line_between_double_rules_is_no_table():
    """A date line between a double rule and a rule (The Tomahawk, 1867: No. 19.] LONDON,
    SEPTEMBER 14, 1867. [PRICE TWOPENCE.)"""
    body = 19.0
    rules = [_rule(354.0), _rule(361.0), _rule(417.0)]
    line = [piece(130, 230, 375, 20), piece(400, 800, 375, 20), piece(1000, 1200, 375, 18)]
    assert layout.find_tables(rules + line, body) == []


def _line(kind, text, x0, x1, y0, h):
    return Block(kind, text=text, bbox=(x0, y0, x1, y0 + h), font_size=h, lines=[Line(text, bbox=(x0, y0, x1, y0 + h))])


def test_a_date_line_spread_across_the_page_is_the_pages_own_and_the_banner_under_it_a_story():
    """The Evening Star, 1915: WASHINGTON, D. C., MONDAY, MARCH 22, 1915 set letterspaced
    between double rules under the masthead, a word a piece, each typed a headline (and
    each opened an article); the banner headline under it is a story's, not the
    masthead, since the weather ears stand over the date line."""
    ears = _line(TEXT, "Fair tonight and tomorrow.", 100, 700, 300.0, 20.0)
    words = [_line(HEADLINE, w, x, x + 150, 583.0, 37.0)
             for w, x in zip(["WASHINGTON,", "D.", "C.,", "MONDAY,", "MARCH", "22,", "1915."],
                             range(1700, 3200, 200))]
    banner = _line(HEADLINE, "PRZEMYSL YIELDS TO CZAR'S TROOPS", 100, 4000, 676.0, 70.0)
    column = _line(TEXT, "Vienna admits the fall of the fortress.", 100, 900, 800.0, 20.0)
    column.lines = column.lines * 5
    blocks = [ears, *words, banner, column]
    lay = PageLayout(image=np.zeros((6500, 5000), np.uint8), blocks=blocks, ordered=list(blocks),
                     body=20.0, text_height=20.0)
    layout.reconsider_kinds(lay)
    assert all(w.kind.is_furniture for w in words), [w.kind for w in words]
    assert {w.kind for w in words[3:]} == {Kind.DATELINE}
    assert banner.kind == HEADLINE
    # A title over its date line is the masthead.
    title = _line(HEADLINE, "THE EVENING STAR", 1500, 3500, 450.0, 100.0)
    blocks = [ears, title, *words]
    for w in words:
        w.kind = HEADLINE
    lay = PageLayout(image=np.zeros((6500, 5000), np.uint8), blocks=blocks, ordered=list(blocks),
                     body=20.0, text_height=20.0)
    layout.reconsider_kinds(lay)
    assert title.kind == Kind.MASTHEAD


def test_each_ruled_box_of_advertisements_is_one_article_region():
    """The Publishers' Circular, 1886: advertisements in a grid of ruled boxes, a name in
    display type over lines of small type and another display line under them. Each
    display line opened a region of its own, and a word of one box read between two
    others made its box two articles. Inside a border ruled round the whole page, two
    stories one under the other stay two."""
    from archive.layout.order import article_regions

    rules = [_rule(y, 90.0, 1470.0) for y in (466.0, 780.0, 1090.0)]
    rules += [Block(RULE, bbox=(x, 466.0, x + 3, 1090.0)) for x in (90.0, 770.0, 1467.0)]
    boxes = []
    for top in (493.0, 804.0):
        for x0 in (110.0, 790.0):
            boxes.append([Block(HEADLINE, bbox=(x0, top, x0 + 600, top + 48), font_size=48.0),
                          piece(x0 + 40, x0 + 560, top + 70, 22), piece(x0 + 40, x0 + 560, top + 110, 22),
                          Block(HEADLINE, bbox=(x0 + 100, top + 160, x0 + 500, top + 200), font_size=40.0),
                          piece(x0, x0 + 40, top + 230, 22)])
    # the last box's stray word read after the first box
    ordered = boxes[0] + [boxes[3][-1]] + boxes[1] + boxes[2] + boxes[3][:-1]
    regions = article_regions(ordered, rules + ordered)
    assert regions == 4
    for box in boxes:
        assert len({b.region for b in box}) == 1
        members = [i for i, b in enumerate(ordered) if any(b is o for o in box)]
        assert members == list(range(members[0], members[0] + len(box)))  # read whole
    border = [_rule(60.0, 60.0, 1500.0), _rule(2200.0, 60.0, 1500.0),
              Block(RULE, bbox=(60.0, 60.0, 63.0, 2203.0)), Block(RULE, bbox=(1497.0, 60.0, 1500.0, 2203.0))]
    stories = [Block(HEADLINE, bbox=(300.0, 100.0, 1200.0, 160.0), font_size=60.0),
               Block(TEXT, bbox=(100.0, 200.0, 1460.0, 1000.0), font_size=22.0),
               Block(HEADLINE, bbox=(300.0, 1100.0, 1200.0, 1160.0), font_size=60.0),
               Block(TEXT, bbox=(100.0, 1200.0, 1460.0, 2150.0), font_size=22.0)]
    assert article_regions(list(stories), border + stories) == 2


def test_a_masthead_a_titles_height_over_its_date_line_is_the_masthead():
    """The Omaha Bee, 1887: THE OMAHA DAILY BEE set 150 px high, a title's height over
    THURSDAY MORNING, MARCH 3, 1887 (ten lines of body): its words were three articles
    headed THE, OMAHA and DAILY. A headline as far under the masthead's date line, on a
    page whose date line is not its first text, is a story's."""
    words = [_line(HEADLINE, w, x, x + 400, 244.0, 150.0) for w, x in (("THE", 1300), ("OMAHA", 2140),
                                                                         ("DAILY", 3280))]
    date = _line(Kind.DATELINE, "THURSDAY MORNING, MARCH 3, 1887.", 2180, 3600, 546.0, 50.0)
    banner = _line(HEADLINE, "HOW CARVEY JOINED THE GANG", 300, 2000, 820.0, 150.0)
    column = _line(TEXT, "The railroad lobby easily betrays its trust.", 100, 900, 1100.0, 30.0)
    column.lines = column.lines * 5
    blocks = [*words, date, banner, column]
    lay = PageLayout(image=np.zeros((7118, 5400), np.uint8), blocks=blocks, ordered=list(blocks),
                     body=30.0, text_height=30.0)
    layout.reconsider_kinds(lay)
    assert [w.kind for w in words] == [Kind.MASTHEAD] * 3
    assert banner.kind == HEADLINE
