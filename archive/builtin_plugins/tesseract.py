"""Tesseract through pytesseract, registered like any third-party engine.

Engine options (``archive ingest --engine-option KEY=VALUE``): ``threads``, the
OpenMP threads of each Tesseract process (default 1: on small machines its threads
fight each other: a whole page took 29 s with them and 7.8 s without, NOTES.md; the
archive runs pages in parallel processes instead), and ``psm``, the page segmentation
mode blocks are read in (default 6, a uniform block of text).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import tempfile

from ..errors import MissingDependencyError
from ..hookspecs import hookimpl
from .. import patterns as P
from ..model import Line, Word
from ..ocr import OcrEngine, join_words


@hookimpl
def ocr_engine_names():
    return ["tesseract"]


@hookimpl
def get_ocr_engine(options):
    if options.engine != "tesseract":
        return None
    return TesseractEngine(**options.engine_options)


class TesseractEngine(OcrEngine):
    name = "tesseract"

    def __init__(self, threads: str = "1", psm: str = "6", **unknown):
        if unknown:
            raise MissingDependencyError(f"tesseract has no option {', '.join(unknown)} (it takes threads, psm)")
        if shutil.which("tesseract") is None:
            raise MissingDependencyError("tesseract not found: apt-get install tesseract-ocr")
        import pytesseract

        # Inherited by every tesseract process this worker starts.
        os.environ["OMP_THREAD_LIMIT"] = str(int(threads))
        self._psm = int(psm)
        self._tess = pytesseract

    def install_hint(self, missing):
        return "apt-get install " + " ".join("tesseract-ocr-" + m.replace("_", "-").lower() for m in missing)

    def version(self) -> str:
        return str(self._tess.get_tesseract_version())

    def languages(self) -> set[str]:
        return _tesseract_languages()

    def recognise(self, image, lang, *, dpi, psm=None):
        psm = psm or self._psm
        # Pass the resolution: without it Tesseract assumes 70 dpi and splits the page
        # into hundreds of blocks (NOTES.md: CER 9% -> 72%).
        config = f"--psm {psm} --dpi {int(dpi)}"
        data = self._tess.image_to_data(image, lang=lang, config=config, output_type=self._tess.Output.DICT)
        return lines_from_data(data)

    def read_page(self, image, lang, *, dpi):
        """Tesseract's own page segmentation (psm 3): paragraphs in its reading order."""
        data = self._tess.image_to_data(image, lang=lang, config=f"--psm 3 --dpi {int(dpi)}",
                                        output_type=self._tess.Output.DICT)
        paragraphs: dict[tuple, list[int]] = {}
        for i in range(len(data["text"])):
            paragraphs.setdefault((data["block_num"][i], data["par_num"][i]), []).append(i)
        out = []
        for rows in paragraphs.values():
            lines = lines_from_data({k: [data[k][i] for i in rows] for k in data})
            if lines:
                out.append(lines)
        return out

    def recognise_many(self, images, lang, *, dpi, psm=None):
        """All of a page's blocks in one Tesseract process: each call starts a process
        and loads the model (0.25 s for chi_sim here), more than most blocks take to
        read. Tesseract reads a text file listing images as pages of one document and
        numbers its rows by page."""
        psm = psm or self._psm
        if len(images) <= 1:
            return [self.recognise(im, lang, dpi=dpi, psm=psm) for im in images]
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
    """Group pytesseract's ``image_to_data`` rows into lines of words, in Tesseract's
    order. Not re-sorted by their boxes' tops: a line's box is the union of its words',
    and one word read out of a speck or a smudge can reach a line up, which put "at once
    restores" of a blurred advertisement (Evening Star, 1861) before the line over it."""
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
        # words keep their boxes; a speck read as a mark is no word (so ALTO, hOCR and PAGE
        # exports hold the words the line's text is made of)
        words = [dataclasses.replace(w, text=t) for w, t in zip(words, P.ocr_words([w.text for w in words])) if t]
        if not words:
            continue
        lines.append(Line(
            text=P.cjk_punctuation(join_words(words)),
            bbox=(min(w.x0 for w in words), min(w.top for w in words),
                  max(w.x1 for w in words), max(w.bottom for w in words)),
            words=words,
        ))
    return lines


