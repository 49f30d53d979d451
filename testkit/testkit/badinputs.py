"""A corpus of bad and awkward inputs, generated (no binary blobs in the repository):
what users' folders hold besides good scans. Each case is a file (or folder) and what
the archive must make of it: an error line naming it, or a page read right."""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from .render import SERIF, font

TEXT = ("国有企业改革正在普遍深入地展开，各地围绕资产组织形式和经营方式进行改组改制。"
        "我们既要充分肯定改革的成果，又要保持清醒的头脑。\n\n"
        "在资产评估中，有关部门发现许多企业存在说不清的问题。\n")


@dataclass
class Case:
    name: str  # file name inside the corpus folder
    bad: bool  # an error line is expected, no page stored as ok
    why: str  # what the case is


def _page(mode: str = "L", size=(1200, 700)) -> Image.Image:
    """A small page of Chinese text, drawn."""
    img = Image.new("L", size, 255)
    d = ImageDraw.Draw(img)
    f = font(SERIF, 34)
    line = "国有企业改革正在普遍深入地展开各地围绕资产组织"
    for k in range(6):
        d.text((80, 80 + k * 60), line[k:] + line[:k] + "。", font=f, fill=0)
    return img if mode == "L" else img.convert(mode)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _bomb_png() -> bytes:
    """A PNG whose header claims 60,000 x 60,000 pixels (3.6 gigapixels) in a few bytes."""
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _png_chunk(b"IEND", b""))


def build(root: Path) -> list[Case]:
    """Write the corpus into ``root``; returns its cases."""
    from pypdf import PdfWriter

    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(13)
    cases: list[Case] = []

    def add(name: str, data: bytes | None, bad: bool, why: str) -> None:
        if data is not None:
            (root / name).write_bytes(data)
        cases.append(Case(name, bad, why))

    def png(img: Image.Image, **kw) -> bytes:
        buf = io.BytesIO()
        img.save(buf, "PNG", **kw)
        return buf.getvalue()

    good = _page()
    add("good.png", png(good, dpi=(300, 300)), False, "a good page")
    add("good.txt", TEXT.encode("utf-8"), False, "OCR text, UTF-8")
    # encodings of OCR text
    add("latin1.txt", "Le café de la gare, où l'on sert du thé. Naïve façade.\n\nSecond paragraphe ici.\n"
        .encode("latin-1"), False, "Latin-1 text")
    add("gb18030.txt", TEXT.encode("gb18030"), False, "GB18030 text")
    add("utf16.txt", TEXT.encode("utf-16"), False, "UTF-16 text with BOM")
    add("big5.txt", "國有企業改革正在普遍深入地展開，各地圍繞資產組織形式進行改制。\n".encode("big5"), False, "Big5 text")
    # image formats and depths
    for fmt, ext in (("JPEG2000", "jp2"), ("BMP", "bmp"), ("WEBP", "webp")):
        buf = io.BytesIO()
        good.save(buf, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
        add(f"page.{ext}", buf.getvalue(), False, f"{fmt} image")
    sixteen = Image.fromarray((np.asarray(good, dtype=np.uint16) * 257).astype(np.uint16))
    add("sixteen-bit.png", png(sixteen), False, "16-bit grey PNG")
    rgba = good.convert("RGBA")
    alpha = np.where(np.asarray(good) < 128, 255, 0).astype(np.uint8)  # ink opaque, paper transparent
    rgba.putalpha(Image.fromarray(alpha))
    add("transparent.png", png(rgba), False, "PNG with a transparent background")
    add("blank.png", png(Image.new("L", (800, 600), 255)), True, "a page with nothing on it")
    # broken files
    add("empty.pdf", b"", True, "zero bytes")
    add("empty.txt", b"", True, "zero bytes of text")
    add("truncated.png", png(good)[:400], True, "a truncated PNG")
    add("random.jpg", bytes(rng.getrandbits(8) for _ in range(5000)), True, "random bytes")
    add("random.txt", bytes(rng.getrandbits(8) for _ in range(5000)), True, "random bytes as .txt")
    add("text-as.png", TEXT.encode("utf-8"), True, "text with an image's extension")
    add("bomb.png", _bomb_png(), True, "a decompression bomb")
    w = PdfWriter()
    add_zero = io.BytesIO()
    w.write(add_zero)
    add("zero-pages.pdf", add_zero.getvalue(), True, "a PDF of 0 pages")
    w = PdfWriter()
    w.add_blank_page(612, 792)
    w.encrypt(user_password="secret", owner_password="owner")
    enc = io.BytesIO()
    w.write(enc)
    add("encrypted.pdf", enc.getvalue(), True, "an encrypted PDF")  # says it needs its password
    add("odd name\twith tab.png", png(good), False, "a file name with a tab")
    add("odd name\nwith newline.txt", TEXT.encode("utf-8"), False, "a file name with a newline")
    add("名字 中文.txt", TEXT.encode("utf-8"), False, "a Chinese file name with a space")
    # a symbolic link loop: a folder linking to its parent
    (root / "loop").mkdir(exist_ok=True)
    if not (root / "loop" / "back").exists():
        os.symlink("..", root / "loop" / "back")
    cases.append(Case("loop", False, "a symbolic link loop (walked once)"))
    return cases
