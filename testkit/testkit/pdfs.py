"""Long PDFs with a text layer, written directly (the standard Helvetica font needs no
embedding), for the tests and benchmarks of streaming ingest."""

from __future__ import annotations

from pathlib import Path

WORDS = ("the council met on tuesday and agreed to extend the harbour wall before the "
         "winter storms a report from the engineer was read and the clerk was asked to "
         "write to the railway company about the new station").split()


def _page_stream(number: int, columns: int = 2, lines: int = 40) -> bytes:
    out = [f"BT /F1 18 Tf 72 800 Td (Page {number} of the test gazette) Tj ET"]
    width = (612 - 72 * 2) / columns
    for c in range(columns):
        x = 72 + c * width
        for k in range(lines):
            words = [WORDS[(number * 7 + c * 13 + k * 5 + j) % len(WORDS)] for j in range(6)]
            out.append(f"BT /F1 9 Tf {x:.1f} {760 - k * 14} Td ({' '.join(words)}) Tj ET")
    return "\n".join(out).encode("latin-1")


def write_text_pdf(path: Path, pages: int, columns: int = 2) -> Path:
    """A letter-size PDF of ``pages`` pages, each a title line and ``columns`` columns of
    short lines of English, every page's text different."""
    objects: list[bytes] = []

    def obj(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = obj(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    pages_id = len(objects) + 1 + 2 * pages + 1  # written after every page and its stream
    kids = []
    for n in range(1, pages + 1):
        data = _page_stream(n, columns)
        content = obj(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        kids.append(obj(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 842] "
                        b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                        % (pages_id, font, content)))
    catalog = obj(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    assert obj(b"<< /Type /Pages /Count %d /Kids [%s] >>"
               % (pages, b" ".join(b"%d 0 R" % k for k in kids))) == pages_id
    buf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(buf))
        buf += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(buf)
    buf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    buf += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    buf += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    Path(path).write_bytes(bytes(buf))
    return Path(path)
