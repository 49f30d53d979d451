"""Full-text search that works for Chinese.

SQLite's unicode61 tokenizer makes a run of Han characters one token, so 重庆 finds
nothing inside 重庆打造…, and trigram finds nothing under three characters (NOTES.md).
We index a shadow copy of the text with a zero-width space (U+200B, a separator to
unicode61) around every Han character, so each character is a token, and rewrite a
query's Han runs into phrases of single characters: exact at every query length,
bm25 still ranks, and a snippet reads cleanly once the separators are stripped.
"""

from __future__ import annotations

import re

from .patterns import HAN

SEP = "\u200b"
_HAN_RUN = re.compile(f"([{HAN}])")


def index_text(text: str | None) -> str:
    """Text as stored in a ``search_text`` column: one token per Han character."""
    if not text:
        return ""
    return _HAN_RUN.sub(SEP + r"\1" + SEP, text).replace(SEP + SEP, SEP)


def strip_separators(text: str | None) -> str | None:
    return text.replace(SEP, "") if text else text


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression for what a person typed: each whitespace-separated term
    becomes a quoted phrase, Han characters spaced into single-character tokens."""
    terms = []
    for term in query.replace('"', " ").split():
        spaced = _HAN_RUN.sub(r" \1 ", term).split()
        terms.append('"' + " ".join(spaced) + '"')
    return " ".join(terms) if terms else '""'
