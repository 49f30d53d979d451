"""OCR: recognise the text of a block image, keeping word boxes and confidences.

Engines implement ``OcrEngine``; Tesseract (through pytesseract) is the built-in one
and is registered through the plugin hook like any other.
"""

from __future__ import annotations

import abc
import functools
import os
import shutil
import tempfile

import numpy as np

from . import patterns as P
from .errors import MissingDependencyError
from .model import Line, Word

# Tesseract's OpenMP threads fight each other on small machines: a whole page took 29 s
# with them and 7.8 s without (NOTES.md). We parallelise over pages in processes instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrEngine(abc.ABC):
    name = "engine"

    @abc.abstractmethod
    def version(self) -> str: ...

    @abc.abstractmethod
    def languages(self) -> set[str]: ...

    @abc.abstractmethod
    def recognise(self, image: np.ndarray, lang: str, *, dpi: int, psm: int = 6) -> list[Line]:
        """Lines of words, boxes relative to ``image``, in the engine's reading order."""

    def recognise_many(self, images: list[np.ndarray], lang: str, *, dpi: int, psm: int = 6) -> list[list[Line]]:
        """``recognise`` for each image; engines with a per-call start-up cost batch them."""
        return [self.recognise(im, lang, dpi=dpi, psm=psm) for im in images]

    def check_languages(self, lang: str) -> None:
        missing = [x for x in lang.split("+") if x not in self.languages()]
        if missing:
            pkgs = " ".join("tesseract-ocr-" + m.replace("_", "-").lower() for m in missing)
            raise MissingDependencyError(
                f"{self.name} language(s) {', '.join(missing)} not installed: apt-get install {pkgs}"
            )

    def detect_script(self, image: np.ndarray, *, dpi: int) -> str | None:
        """'Han', 'Latin', … when the engine can tell; None otherwise."""
        return None


class TesseractEngine(OcrEngine):
    name = "tesseract"

    def __init__(self):
        if shutil.which("tesseract") is None:
            raise MissingDependencyError("tesseract not found: apt-get install tesseract-ocr")
        import pytesseract

        self._tess = pytesseract

    def version(self) -> str:
        return str(self._tess.get_tesseract_version())

    def languages(self) -> set[str]:
        return _tesseract_languages()

    def recognise(self, image, lang, *, dpi, psm=6):
        # Pass the resolution: without it Tesseract assumes 70 dpi and splits the page
        # into hundreds of blocks (NOTES.md: CER 9% -> 72%).
        config = f"--psm {psm} --dpi {int(dpi)}"
        data = self._tess.image_to_data(image, lang=lang, config=config, output_type=self._tess.Output.DICT)
        return lines_from_data(data)

    def recognise_many(self, images, lang, *, dpi, psm=6):
        """All of a page's blocks in one Tesseract process: each call starts a process
        and loads the model (0.25 s for chi_sim here), more than most blocks take to
        read. Tesseract reads a text file listing images as pages of one document and
        numbers its rows by page."""
        if len(images) <= 1:
            return super().recognise_many(images, lang, dpi=dpi, psm=psm)
        import cv2

        with tempfile.TemporaryDirectory(prefix="archive-ocr-") as tmp:
            paths = []
            for i, im in enumerate(images):
                path = os.path.join(tmp, f"{i:04d}.png")
                cv2.imwrite(path, im)
                paths.append(path)
            listing = os.path.join(tmp, "blocks.txt")
            with open(listing, "w", encoding="utf-8") as f:
                f.write("\n".join(paths) + "\n")
            data = self._tess.image_to_data(listing, lang=lang, config=f"--psm {psm} --dpi {int(dpi)}",
                                            output_type=self._tess.Output.DICT)
        rows: list[dict] = [{k: [] for k in data} for _ in images]
        for i, page in enumerate(data["page_num"]):
            if 1 <= int(page) <= len(images):
                for k in data:
                    rows[int(page) - 1][k].append(data[k][i])
        return [lines_from_data(r) for r in rows]

    def detect_script(self, image, *, dpi):
        if "osd" not in self.languages():
            return None
        try:
            osd = self._tess.image_to_osd(image, config=f"--psm 0 --dpi {int(dpi)}",
                                          output_type=self._tess.Output.DICT)
        except self._tess.TesseractError:
            return None  # too little text to tell
        return osd.get("script")


@functools.lru_cache(maxsize=1)
def _tesseract_languages() -> set[str]:
    import pytesseract

    return set(pytesseract.get_languages(config=""))


def lines_from_data(data: dict) -> list[Line]:
    """Group pytesseract's ``image_to_data`` rows into lines of words."""
    groups: dict[tuple, list[Word]] = {}
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
        groups.setdefault(key, []).append(Word(text, x, y, x + w, y + h, conf))
    lines = []
    for words in groups.values():
        words.sort(key=lambda w: w.x0)
        lines.append(Line(
            text=P.cjk_punctuation(join_words(words)),
            bbox=(min(w.x0 for w in words), min(w.top for w in words),
                  max(w.x1 for w in words), max(w.bottom for w in words)),
            words=words,
        ))
    lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return lines


def join_words(words: list[Word]) -> str:
    """A line's text. Tesseract reports each Han character as a word; beside a Han
    character or CJK punctuation no space belongs, however wide the gap on the page: a
    justified line with wide tracking (财政 部部长, 准 确) spaces its characters apart, and
    a space inside a word breaks search and reading. Callers then make punctuation
    full-width (``patterns.cjk_punctuation``)."""
    out = ""
    prev: Word | None = None
    for w in words:
        if prev is not None and not (_cjk_edge(prev.text[-1]) or _cjk_edge(w.text[0])):
            out += " "
        out += w.text
        prev = w
    return out


def _cjk_edge(ch: str) -> bool:
    return P.is_han(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·"


def lines_from_words(words: list[Word]) -> list[Line]:
    """Group positioned words (a PDF text layer) into lines by vertical overlap."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        for ln in lines:
            top = min(x.top for x in ln)
            bottom = max(x.bottom for x in ln)
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap > 0.5 * min(bottom - top, w.bottom - w.top):
                ln.append(w)
                break
        else:
            lines.append([w])
    out = []
    for ln in lines:
        ln.sort(key=lambda w: w.x0)
        out.append(Line(text=P.cjk_punctuation(join_words(ln)), words=ln, bbox=(
            min(w.x0 for w in ln), min(w.top for w in ln), max(w.x1 for w in ln), max(w.bottom for w in ln))))
    out.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return out
