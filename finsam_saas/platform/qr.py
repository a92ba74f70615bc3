"""QR codes as inline SVG, made on the server by segno (ISO/IEC 18004), for the otpauth:// link
that sets up a second factor."""
from __future__ import annotations

from html import escape

import segno


def qr_svg(text: str, title: str = "QR-kod", size: int = 220) -> str:
    """The QR code of `text` (error correction level M) as an `<svg>` element `size` pixels wide,
    with a quiet zone of four modules and `title` as its accessible name; drawn with attributes
    only, so the page's CSP holds."""
    code = segno.make(text, error="m", boost_error=False)
    svg = code.svg_inline(scale=1, border=4, dark="#000", light="#fff", title=title, svgclass="qr", omitsize=True)
    return svg.replace("<svg ", f'<svg width="{size}" height="{size}" role="img" aria-label="{escape(title)}" '
                               'shape-rendering="crispEdges" ', 1)
