"""IIIF Image API 3.0, level 1, for every page image.

    /-/iiif/{page}                     303 to info.json
    /-/iiif/{page}/info.json
    /-/iiif/{page}/{region}/{size}/{rotation}/{quality}.{format}

Level 1 and a little more: regions full, square, x,y,w,h and pct:; sizes max, w,, ,h,
w,h, !w,h, pct:n and ^ for upscaling; rotation 0; qualities default, color, gray;
formats jpg and png. Derivatives are made off the event loop and kept on disk in the
archive's cache folder, so a viewer's tiles are cut once.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import re
from pathlib import Path

from datasette.utils.asgi import NotFound, Response

CONTEXT = "http://iiif.io/api/image/3/context.json"
PROFILE_LINK = '<http://iiif.io/api/image/3/level1.json>;rel="profile"'
MAX_SIDE = 10000  # the largest side a derivative may have: bounds the work one request can ask for
TILE = 512
FORMATS = {"jpg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png")}
QUALITIES = ("default", "color", "gray")


class BadRequest(ValueError):
    pass


def region_box(spec: str, width: int, height: int) -> tuple[int, int, int, int]:
    """(x, y, w, h) of a region in the image, clipped to it."""
    if spec == "full":
        return 0, 0, width, height
    if spec == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    pct = spec.startswith("pct:")
    parts = (spec[4:] if pct else spec).split(",")
    if len(parts) != 4:
        raise BadRequest(f"region {spec!r}")
    try:
        vals = [float(p) for p in parts] if pct else [int(p) for p in parts]
    except ValueError:
        raise BadRequest(f"region {spec!r}") from None
    if pct:
        vals = [vals[0] * width / 100, vals[1] * height / 100, vals[2] * width / 100, vals[3] * height / 100]
        vals = [round(v) for v in vals]
    x, y, w, h = vals
    if min(x, y) < 0 or w <= 0 or h <= 0 or x >= width or y >= height:
        raise BadRequest(f"region {spec!r} is not inside the image")
    return x, y, min(w, width - x), min(h, height - y)


def output_size(spec: str, rw: int, rh: int) -> tuple[int, int]:
    up = spec.startswith("^")
    s = spec[1:] if up else spec
    if s == "max":
        w, h = rw, rh
        scale = min(1.0, MAX_SIDE / max(w, h))
        w, h = max(1, round(w * scale)), max(1, round(h * scale))
    elif s.startswith("pct:"):
        try:
            n = float(s[4:])
        except ValueError:
            raise BadRequest(f"size {spec!r}") from None
        if n <= 0 or (n > 100 and not up):
            raise BadRequest(f"size {spec!r}")
        w, h = max(1, round(rw * n / 100)), max(1, round(rh * n / 100))
    else:
        fit = s.startswith("!")
        m = re.fullmatch(r"(\d*),(\d*)", s[1:] if fit else s)
        if not m or not (m.group(1) or m.group(2)) or (fit and not (m.group(1) and m.group(2))):
            raise BadRequest(f"size {spec!r}")
        w = int(m.group(1)) if m.group(1) else None
        h = int(m.group(2)) if m.group(2) else None
        if (w is not None and w <= 0) or (h is not None and h <= 0):
            raise BadRequest(f"size {spec!r}")
        if fit:
            scale = min(w / rw, h / rh)
            w, h = max(1, int(rw * scale)), max(1, int(rh * scale))
        elif w is None:
            w = max(1, round(rw * h / rh))
        elif h is None:
            h = max(1, round(rh * w / rw))
    if not up and (w > rw or h > rh):
        raise BadRequest(f"size {spec!r} is larger than the region (use ^ to upscale)")
    if max(w, h) > MAX_SIDE:
        raise BadRequest(f"size {spec!r} is over {MAX_SIDE} pixels")
    return w, h


def image_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def info(base: str, pid: int, width: int, height: int) -> dict:
    factors = [f for f in (1, 2, 4, 8, 16, 32) if max(width, height) / f >= TILE / 2] or [1]
    return {
        "@context": CONTEXT, "id": f"{base}/-/iiif/{pid}", "type": "ImageService3",
        "protocol": "http://iiif.io/api/image", "profile": "level1",
        "width": width, "height": height, "maxWidth": min(width, MAX_SIDE), "maxHeight": min(height, MAX_SIDE),
        "tiles": [{"width": TILE, "scaleFactors": factors}],
        "sizes": [{"width": max(1, width // f), "height": max(1, height // f)} for f in reversed(factors)],
        "extraQualities": ["color", "gray"], "extraFormats": ["png"],
        "extraFeatures": ["regionByPct", "sizeByConfinedWh", "sizeByPct", "sizeUpscaling"],
    }


def render(source: Path, cache: Path, region: str, size: str, rotation: str, quality: str, fmt: str) -> Path:
    """The derivative, from the cache when it was made before."""
    from PIL import Image

    if rotation != "0":
        raise BadRequest(f"rotation {rotation!r}: only 0 is offered")
    if quality not in QUALITIES:
        raise BadRequest(f"quality {quality!r}")
    if fmt not in FORMATS:
        raise BadRequest(f"format {fmt!r}")
    st = source.stat()
    key = hashlib.sha1(f"{source}|{st.st_size}|{st.st_mtime_ns}|{region}|{size}|{quality}".encode()).hexdigest()
    out = cache / "iiif" / key[:2] / f"{key}.{fmt}"
    if out.exists():
        return out
    with Image.open(source) as im:
        full_w, full_h = im.size
        x, y, w, h = region_box(region, full_w, full_h)
        ow, oh = output_size(size, w, h)
        if ow < w and im.format == "JPEG":
            im.draft(im.mode, (max(1, full_w * ow // w), max(1, full_h * oh // h)))  # decode at a fraction
            sx, sy = im.width / full_w, im.height / full_h
            x, y, w, h = round(x * sx), round(y * sy), max(1, round(w * sx)), max(1, round(h * sy))
        part = im.crop((x, y, x + w, y + h))
        part = part.convert("L" if quality == "gray" or part.mode in ("L", "I;16", "I") else "RGB")
        if part.size != (ow, oh):
            part = part.resize((ow, oh), Image.LANCZOS)
        buf = io.BytesIO()
        part.save(buf, FORMATS[fmt][0], **({"quality": 85} if fmt == "jpg" else {}))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, out)
    return out


CORS = {"access-control-allow-origin": "*"}


async def route(request, datasette, page_image_file, cache_dir, base):
    """Dispatch /-/iiif/{page}/... (page_image_file(pid) -> (db, Path | None))."""
    rest = request.url_vars["rest"]
    pid_text, _, tail = rest.partition("/")
    if not pid_text.isdigit() or int(pid_text) > 2 ** 63 - 1:
        raise NotFound(f"no image {pid_text!r}")
    pid = int(pid_text)
    db, path = await page_image_file(pid)
    if path is None:
        raise NotFound(f"no image for page {pid}")
    if tail == "":
        return Response("", status=303, headers={"location": f"{base}/-/iiif/{pid}/info.json", **CORS})
    if tail == "info.json":
        w, h = await asyncio.to_thread(image_size, path)
        ld = "application/ld+json" in request.headers.get("accept", "")
        ctype = f'application/ld+json;profile="{CONTEXT}"' if ld else "application/json"
        return Response(json.dumps(info(base, pid, w, h)), content_type=ctype,
                        headers={"link": PROFILE_LINK, **CORS})
    parts = tail.split("/")
    if len(parts) != 4 or "." not in parts[3]:
        return Response.text("expected {region}/{size}/{rotation}/{quality}.{format}", status=400, headers=CORS)
    region, size, rotation, last = parts
    quality, _, fmt = last.rpartition(".")
    try:
        out = await asyncio.to_thread(render, path, cache_dir(db.path), region, size, rotation, quality, fmt)
    except BadRequest as e:
        return Response.text(str(e), status=400, headers=CORS)
    data = await asyncio.to_thread(out.read_bytes)
    return Response(data, content_type=FORMATS[fmt][1],
                    headers={"link": PROFILE_LINK, "cache-control": "max-age=86400", **CORS})
