"""Re-flow articles the way an OCR engine reads a multi-column page.

Given articles in the gold format (headline, kicker, byline, blocks, captions, notes),
``reflow`` writes the text stream that reading such a page column by column produces,
and the gold reading of that stream:

- paragraphs cut at random positions where a column ends (never right after a
  sentence end, where text alone cannot tell a cut from a paragraph end, and never
  before the first line of the paragraph is full); English words cut at a line end get
  a hyphen, as a compositor would set them;
- photo captions dropped into the cut, even inside a word;
- blank and space-only lines;
- a column's headline printed after its body and its author note;
- an advertisement marker above the last articles of the page;
- crossheads kept where the articles have them.

``required_joins`` of the returned gold holds the text around every cut, which must end
up inside one paragraph after cleanup.
"""

from __future__ import annotations

import copy
import random
import re

from archive import patterns as P

# Shortest first piece of a paragraph: one full line of a narrow column.
MIN_LINE = {"zh": 10, "en": 30}
JOIN_CONTEXT = {"zh": 4, "en": 8}
AD_MARKERS = {"zh": "广告", "en": "ADVERTISEMENT"}
BLANKS = ("", "", " ", "  ", "\u3000", "\t")


def _cut_positions(text: str, lang: str, rng: random.Random) -> list[int]:
    ok = []
    for p in range(MIN_LINE[lang], len(text) - 1):
        left = text[:p].rstrip()
        if not left or P.ends_paragraph(left) or text[p - 1] in P.CLOSERS:
            continue
        if lang == "en":
            a, b = text[p - 1], text[p]
            inside = a.isalpha() and b.isalpha()
            at_space = b == " " and a != " "
            at_hyphen = a == "-" and b.isalpha() and text[p - 2].isalpha()
            if inside:
                m = re.search(r"[A-Za-z]+$", text[:p])
                n = re.match(r"[A-Za-z]+", text[p:])
                if len(m.group()) < 2 or len(n.group()) < 3 or not n.group()[0].islower():
                    continue
            elif not (at_space or at_hyphen):
                continue
        ok.append(p)
    return ok


class _Stream:
    def __init__(self, rng: random.Random, blank_rate: float):
        self.rng, self.rate, self.lines = rng, blank_rate, []

    def unit(self, text: str) -> None:
        self.lines.append(text)
        self.lines.append("")
        while self.rng.random() < self.rate:
            self.lines.append(self.rng.choice(BLANKS))

    def text(self) -> str:
        return "\n".join(self.lines)


def reflow(articles: list[dict], rng: random.Random, lang: str, *,
           max_cuts: int = 3, blank_rate: float = 0.15) -> tuple[str, dict]:
    """(OCR text stream, gold reading) for one page holding ``articles``."""
    arts = copy.deepcopy(articles)
    out = _Stream(rng, blank_rate)
    joins: list[str] = []
    flagged = sum(1 for a in arts if a.get("advertisement"))
    n_ad = flagged or (rng.choice((0, 0, 1, 2)) if len(arts) >= 3 else 0)
    for idx, a in enumerate(arts):
        after_note = idx > 0 and bool(arts[idx - 1].get("notes"))
        if not a.get("byline") and idx not in (0, len(arts) - n_ad) and not after_note:
            # In a text stream an article boundary must show: a byline, the previous
            # article's closing note, an advertisement marker, or the page start.
            _give_byline(a, arts, lang)
        a["advertisement"] = idx >= len(arts) - n_ad
        if idx == len(arts) - n_ad:
            out.unit(AD_MARKERS[lang])
        late = bool(a.get("kicker") and a.get("notes") and rng.random() < 0.7)
        if a.get("kicker"):
            out.unit(a["kicker"])
        if a.get("headline") and not late:
            out.unit(a["headline"])
        if a.get("byline"):
            out.unit(a["byline"])
        _body(a, out, joins, rng, lang, max_cuts)
        for note in a.get("notes") or []:
            out.unit(note)
        tail_captions = [c for c in a["captions"] if not c.get("_placed")]
        if late:
            out.unit(a["headline"])
        for c in tail_captions:
            out.unit(_caption_line(c, lang))
    for a in arts:
        for c in a["captions"]:
            c.pop("_placed", None)
    return out.text(), {"articles": arts, "required_joins": joins}


def _give_byline(a: dict, arts: list[dict], lang: str) -> None:
    donor = next((x for x in arts if x.get("byline")), None)
    if donor is None:
        a["byline"], a["authors"] = ("◎本报记者 佚名", ["佚名"]) if lang == "zh" else ("By Staff Writer", ["Staff Writer"])
    else:
        a["byline"], a["authors"] = donor["byline"], list(donor["authors"])


def _caption_line(c: dict, lang: str) -> str:
    if not c.get("credit"):
        return c["text"]
    return c["text"] + (" " if lang == "en" else "") + c["credit"]


def _body(a: dict, out: _Stream, joins: list[str], rng: random.Random, lang: str, max_cuts: int) -> None:
    blocks = a["blocks"]
    candidates = [i for i, b in enumerate(blocks) if b["kind"] == "paragraph"]
    cuts: dict[int, list[int]] = {}
    for _ in range(rng.randint(1, max_cuts)):
        if not candidates:
            break
        i = rng.choice(candidates)
        text = blocks[i]["text"]
        taken = cuts.setdefault(i, [])
        choices = [p for p in _cut_positions(text, lang, rng)
                   if all(abs(p - q) >= MIN_LINE[lang] for q in taken)]
        if choices:
            taken.append(rng.choice(choices))
    # Captions go into cuts (a photo interrupts a column); credited ones may also stand
    # between paragraphs; the rest follow the article.
    slots = [(i, p) for i, ps in cuts.items() for p in ps]
    rng.shuffle(slots)
    at_cut: dict[tuple[int, int], list[dict]] = {}
    between: dict[int, list[dict]] = {}
    for c in a["captions"]:
        if c.get("credit"):
            if slots and rng.random() < 0.8:
                at_cut.setdefault(slots.pop(), []).append(c)
            elif len(blocks) > 1:
                between.setdefault(rng.randrange(len(blocks) - 1), []).append(c)
            else:
                continue
            c["_placed"] = True
            continue
        # An uncredited caption can be told from running text only where it splits a
        # word (…路西 | caption | 北侧…) or a sentence before its punctuation (…运动 |
        # caption。 | ，挥洒…); anywhere else it follows the article.
        inside = [s for s in slots if lang == "zh" and (P.junction_inside_word(
            blocks[s[0]]["text"][:s[1]], blocks[s[0]]["text"][s[1]:])
            or P.cannot_open_paragraph(blocks[s[0]]["text"][s[1]:]))]
        if inside:
            slot = rng.choice(inside)
            slots.remove(slot)
            at_cut.setdefault(slot, []).append(c)
            c["_placed"] = True
    for i, b in enumerate(blocks):
        text = b["text"]
        if b["kind"] != "paragraph" or i not in cuts:
            out.unit(text)
            for c in between.get(i, []):
                out.unit(_caption_line(c, lang))
            continue
        points = sorted(cuts[i])
        bounds = [0, *points, len(text)]
        for k in range(len(bounds) - 1):
            piece = text[bounds[k]:bounds[k + 1]]
            if lang == "en":
                if k < len(points) and text[bounds[k + 1] - 1:bounds[k + 1] + 1].isalpha():
                    piece += "-"  # the compositor's hyphen at a line end
                piece = piece.strip()
            out.unit(piece)
            if k < len(points):
                p = points[k]
                for c in at_cut.get((i, p), []):
                    out.unit(_caption_line(c, lang))
                w = JOIN_CONTEXT[lang]
                joins.append(text[max(bounds[k], p - w):p + w].strip())
        for c in between.get(i, []):
            out.unit(_caption_line(c, lang))


# --- Variant sources -------------------------------------------------------------------

SOURCES = ("gold", "zh", "en")


def variants(source: str, n: int, seed0: int = 0, *, gold: dict | None = None,
             zh_material=None, en_material=None):
    """Yield ``(seed, text, gold_reading)`` for ``n`` re-flowed pages of one source.

    ``gold``: the hand-checked seed reading (its articles re-flowed, its own required
    joins kept); ``zh``: articles composed from the People's Daily corpus lines;
    ``en``: articles composed from clean ALTO prose of Chronicling America pages.
    """
    from testkit import corpora as C

    for k in range(n):
        rng = random.Random(seed0 + k)
        if source == "gold":
            text, reading = reflow(gold["articles"], rng, "zh")
            reading["required_joins"] += gold.get("required_joins", [])
        elif source == "zh":
            text, reading = reflow(C.chinese_articles(zh_material, rng, rng.randint(2, 5)), rng, "zh")
        else:
            text, reading = reflow(C.english_articles(*en_material, rng, rng.randint(2, 4)), rng, "en")
        yield seed0 + k, text, reading


def score_variants(source: str, n: int, seed0: int = 0, **material) -> list[tuple[int, dict]]:
    """Clean every variant and score it against its reading: [(seed, figures)]."""
    from archive import pipeline
    from testkit.scoring import score_against_gold

    out = []
    for seed, text, reading in variants(source, n, seed0, **material):
        result = pipeline.clean_text(text).to_dict()
        out.append((seed, score_against_gold(result, reading)))
    return out
