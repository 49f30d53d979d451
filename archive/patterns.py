"""Typography and language rules that cleanup and segmentation rely on, in one place.

Nothing here comes from a particular page: these are conventions of Chinese and
English newspaper typesetting (punctuation classes, byline and credit formulas, note
brackets) and a dictionary check for the cases text alone leaves ambiguous.

Each rule is a small function so tests can pin it, and so a newspaper with its own
conventions (a different byline marker, another credit formula) changes one line.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# --- Scripts -------------------------------------------------------------------------

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
LATIN_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")


def is_han(ch: str) -> bool:
    return bool(ch) and bool(HAN_RE.match(ch))


def han_ratio(text: str) -> float:
    letters = [c for c in text if not c.isspace()]
    return sum(map(is_han, letters)) / len(letters) if letters else 0.0


def is_cjk_text(text: str) -> bool:
    return han_ratio(text) >= 0.3


# --- Punctuation classes ---------------------------------------------------------------

# What may close a paragraph. In Chinese news the full stop, question and exclamation
# marks end a sentence; a semicolon or colon ends a paragraph in enumerations (each item
# of a list is its own paragraph), and a dash or ellipsis ends a lead-in paragraph.
# The comma and the enumeration comma (、) never end a paragraph.
SENTENCE_END = set("。！？!?；;：:…—.")
# Closing quotes and brackets that may follow the sentence end: 。” or .)
CLOSERS = set("”’」』）)》】〕\"'")
# Punctuation that shows a line is running text rather than a title.
CLAUSE_PUNCT = set("，,。；;！？!?、")


def ends_paragraph(text: str) -> bool:
    """True when the text ends the way a paragraph can end."""
    t = text.rstrip()
    while t and t[-1] in CLOSERS:
        t = t[:-1]
    return bool(t) and t[-1] in SENTENCE_END


def has_clause_punctuation(text: str) -> bool:
    return any(c in CLAUSE_PUNCT for c in text)


# --- Line roles --------------------------------------------------------------------------

# Bylines. Chinese papers mark them with ◎ (Tesseract reads it as @ or @@), and name the
# role: 本报记者 (staff reporter), 通讯员 (correspondent), 实习生 (intern). English papers
# print "By …" or "Special to …" or a wire credit.
BYLINE_MARK_RE = re.compile(r"^\s*(?:[◎@○●]+\s*)")
CN_ROLES = (
    "本报记者", "本报特约记者", "本报通讯员", "特约记者", "见习记者", "记者", "通讯员",
    "实习生", "本报评论员", "特约评论员", "作者",
)
CN_ROLE_RE = re.compile("|".join(sorted(CN_ROLES, key=len, reverse=True)))
CN_DATELINE_RE = re.compile(r"^(?:本报讯|新华社[^，,\s]{0,12}电|中新社[^，,\s]{0,12}电)")
EN_BYLINE_RE = re.compile(
    r"^\s*(?:By|BY|by)\s+(?P<names>[A-Z][\w.'\- ]+(?:(?:,| and | AND )\s*[A-Z][\w.'\- ]+)*)\s*[,.]?\s*(?P<rest>.*)$"
)
EN_SPECIAL_RE = re.compile(r"^\s*(?:Special (?:to|Dispatch to) (?:The |the )?[\w. ]+|From Our Own Correspondent)\.?\s*$")

MAX_BYLINE_CHARS = 40


def is_byline(text: str) -> bool:
    t = text.strip()
    if not t or len(t) > MAX_BYLINE_CHARS or ends_paragraph(t.rstrip(".")) and not t.endswith("."):
        return False
    if BYLINE_MARK_RE.match(t):
        rest = BYLINE_MARK_RE.sub("", t)
        # A marked line is a byline when what follows reads as names: short, no clause.
        return 0 < len(rest) <= 30 and not has_clause_punctuation(rest)
    if CN_ROLE_RE.match(t) and not has_clause_punctuation(t):
        return True
    if EN_BYLINE_RE.match(t) and len(t.split()) <= 8:
        return True
    return bool(EN_SPECIAL_RE.match(t))


def byline_authors(text: str) -> list[str]:
    """The people a byline names, without markers, roles and datelines."""
    t = BYLINE_MARK_RE.sub("", text.strip())
    m = EN_BYLINE_RE.match(t)
    if m:
        names = re.split(r",\s*|\s+(?:and|AND)\s+", m.group("names").strip())
        return [n.strip() for n in names if n.strip()]
    if EN_SPECIAL_RE.match(t):
        return []
    t = CN_DATELINE_RE.sub(" ", t)
    t = CN_ROLE_RE.sub(" ", t)
    return [n for n in re.split(r"[\s、，,]+", t) if n]


# Captions. A credit closes the caption: 长安汽车供图, 新华社记者 某某 摄, 本报记者某某摄,
# "Photo by …", "(AP Photo)". A caption often opens with 图为 ("pictured is").
CN_CREDIT_RE = re.compile(
    r"(?P<credit>(?:[^。！？!?，,；;\s]{1,24}\s*)?(?:供图|摄影?|提供|图片来源[:：]\S{1,24}|资料图片|视觉中国|新华社发))\s*$"
)
EN_CREDIT_RE = re.compile(
    r"(?P<credit>(?:[—–-]+\s*)?(?:\(?(?:Photo|Photograph|Picture|Image)s?\s+(?:by|from|courtesy(?: of)?)\s+[^.]{2,60}\)?|\(?(?:AP|Reuters|AFP|UPI) Photo\)?))\s*\.?\s*$",
    re.IGNORECASE,
)
CAPTION_OPENERS_RE = re.compile(r"^(?:图为|图中|上图|下图|左图|右图|图[:：]|图\s*\d|Above[:,]|Below[:,]|Left[:,]|Right[:,]|Photo[:：])")
MAX_CAPTION_CHARS = 160
# An uncredited caption is a short noun phrase closed by a full stop: no clause inside.
MAX_BARE_CAPTION_CHARS = 30


def split_credit(text: str) -> tuple[str, str | None]:
    """Split a caption into its text and its credit (None when it has none)."""
    t = text.strip()
    for rx in (EN_CREDIT_RE, CN_CREDIT_RE):
        m = rx.search(t)
        if m and m.start("credit") > 0:
            body = t[: m.start("credit")].rstrip()
            # The credit follows a finished sentence; otherwise 摄 is just a verb.
            if ends_paragraph(body) or body.endswith((",", "，")) and rx is EN_CREDIT_RE:
                return body.rstrip(","), m.group("credit").strip(" ()—–-")
    return t, None


def is_caption(text: str) -> bool:
    t = text.strip()
    if not t or len(t) > MAX_CAPTION_CHARS:
        return False
    body, credit = split_credit(t)
    if credit:
        return True
    if CAPTION_OPENERS_RE.match(t) and ends_paragraph(t):
        return True
    core = t.rstrip("。.")
    return (
        t.endswith(("。",)) and is_cjk_text(t) and len(t) <= MAX_BARE_CAPTION_CHARS
        and not has_clause_punctuation(core) and len(core) >= 4
    )


# Notes: a whole unit in brackets, such as an author note (作者系…) or a source note
# (文字及数据来源：…), or "(Continued on page 4.)".
NOTE_RE = re.compile(r"^\s*[（(\[【][^（）()]{2,}[）)\]】]\s*[.。]?\s*$")


def is_note(text: str) -> bool:
    return bool(NOTE_RE.match(text))


AD_MARKER_RE = re.compile(r"^\s*(?:广告|廣告|ADVERTISEMENT|Advertisement|ADVT\.?|Advertisements?)\s*$")


def is_ad_marker(text: str) -> bool:
    return bool(AD_MARKER_RE.match(text))


MAX_TITLE_CHARS_CJK = 40
MAX_TITLE_WORDS = 14


def looks_like_title(text: str) -> bool:
    """A headline, kicker or crosshead: short and without running-text punctuation."""
    t = text.strip()
    if not t or ends_paragraph(t) and not t.endswith(("?", "？", "!", "！")):
        return False
    if is_cjk_text(t):
        return len(t) <= MAX_TITLE_CHARS_CJK and not any(c in "，,。；;、" for c in t)
    words = t.split()
    if len(words) > MAX_TITLE_WORDS or "," in t and not t.isupper():
        return False
    # English headings are set in capitals or title case; a line cut mid-sentence is not.
    caps = [w for w in words if w[:1].isalpha()]
    return bool(caps) and (t.isupper() or all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in caps))


_SMALL_WORDS = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from", "as", "is"}


# --- Joining across a break ------------------------------------------------------------


def join_text(left: str, right: str) -> str:
    """Concatenate two pieces of one paragraph: Han text joins without a space."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if is_han(a) or is_han(b) or unicodedata.category(a).startswith("P") and not a.isascii():
        return left + right
    if unicodedata.category(b).startswith("P") and not b.isascii():
        return left + right
    return left + " " + right


HYPHEN_END_RE = re.compile(r"(?P<stem>[A-Za-z\u00c0-\u024f]+)[-\u00ad\u2010\u2011]$")
WORD_START_RE = re.compile(r"^(?P<tail>[a-z\u00df-\u00ff]+)")


@functools.lru_cache(maxsize=65536)
def word_frequency(word: str, lang: str) -> float:
    """Zipf frequency of a word (0 = unknown), from wordfreq's multi-source lists."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)


def dehyphenate(left: str, right: str, lang: str = "en") -> tuple[str, bool] | None:
    """Join a line-end hyphenation. Returns (joined text, hyphen kept) or None if no hyphen.

    ``pre-`` + ``vious`` becomes ``previous``; ``well-`` + ``known`` keeps its hyphen
    because "wellknown" is rarer than the two words it is made of.
    """
    m, n = HYPHEN_END_RE.search(left.rstrip()), WORD_START_RE.match(right.lstrip())
    if not m or not n:
        return None
    stem, tail = m.group("stem"), n.group("tail")
    joined = (stem + tail).lower()
    f_joined = word_frequency(joined, lang)
    f_parts = min(word_frequency(stem.lower(), lang), word_frequency(tail, lang))
    keep = f_parts > 0 and f_parts >= f_joined + 0.5 and f_joined < 3.0
    head = left.rstrip()[:-1] + ("-" if keep else "")
    return head + right.lstrip(), keep


def junction_inside_word(left: str, right: str) -> str | None:
    """The dictionary word that spans the junction of two Han fragments, if any.

    Used as evidence that a break cut a word (北|斗 → 北斗): jieba segments a window
    around the junction and we look for a word that straddles it.
    """
    if not (left and right and is_han(left[-1]) and is_han(right[0])):
        return None
    a, b = left[-6:], right[:6]
    pos = 0
    for token in _jieba().cut(a + b, HMM=False):
        start, end = pos, pos + len(token)
        pos = end
        if start < len(a) < end and len(token) >= 2:
            return token
    return None


@functools.lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba
