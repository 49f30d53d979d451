"""An archive holding one given picture as its only page, for testing the IIIF image
service with the picture a validator expects (its colours and squares checked)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from archive import store
from archive.model import Page, PageResult, SourceKind


def archive_with_image(folder: Path, picture: Path) -> Path:
    """``folder/archive.db`` with ``picture`` (copied beside it) as page 1; returns the
    database's path."""
    folder.mkdir(parents=True, exist_ok=True)
    image = folder / "images" / picture.name
    image.parent.mkdir(exist_ok=True)
    shutil.copy(picture, image)
    with Image.open(image) as im:
        width, height = im.size
    db_path = folder / "archive.db"
    db = store.open_db(db_path)
    page = Page(source_path=str(image), page_number=1, source_kind=SourceKind.IMAGE, width=width,
                height=height, image_path=str(image))
    store.write_page(db, str(image), "0" * 64, PageResult(page=page, articles=[], repairs=[]))
    db.conn.close()
    store.checkpoint(db_path)
    return db_path


def validator(cache: Path) -> Path | None:
    """The ``iiif-validator`` command of iiif-validator-ng (IIIF Image API validator),
    installed once into ``cache`` with a Python of 3.12 or newer (it needs one), from
    PyPI, with libvips from the pyvips-binary wheel; None when there is no such Python."""
    import glob
    import subprocess

    exe = cache / "bin" / "iiif-validator"
    if exe.exists():
        return exe
    candidates = sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.1[2-9]*/bin/python")), reverse=True)
    candidates += [shutil.which(f"python3.{n}") for n in (14, 13, 12)]

    def works(python: str | None) -> bool:  # a pyenv shim of a version not selected exits 127
        if not python:
            return False
        probe = subprocess.run([python, "-c", "import sys, venv; assert sys.version_info >= (3, 12)"],
                               capture_output=True)
        return probe.returncode == 0

    python = next((c for c in candidates if works(c)), None)
    if python is None:
        return None
    subprocess.run([python, "-m", "venv", str(cache)], check=True)
    subprocess.run([str(cache / "bin" / "pip"), "install", "-q", "iiif-validator-ng==0.1.0", "pyvips-binary"],
                   check=True)
    return exe


def validation_image(cache: Path) -> Path:
    """The validator's own test image (CC0), from its package."""
    found = sorted(cache.glob("lib/python3.*/site-packages/iiif_validator/validation_image.png"))
    if not found:
        raise FileNotFoundError("iiif-validator-ng's validation_image.png")
    return found[0]
