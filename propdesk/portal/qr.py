"""QR codes of a project's portal address, drawn by segno (pure Python: no Pillow or C library
on the server, and SVG scales to any poster)."""

from __future__ import annotations

import io

import segno


def svg(url: str, *, scale: int = 8) -> bytes:
    """The QR code of ``url`` as a standalone SVG document (error correction M: a poster may be
    a little worn and still read)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=scale, border=2, xmldecl=True, svgns=True
    )
    return out.getvalue()
