"""Documents the archives write themselves: a text rendered as a PDF (an activity's summary,
or a rule in the demo), with Pillow and the system's CJK font, so no extra service is needed."""

from __future__ import annotations

import io
import textwrap


def text_pdf(*, title: str, paragraphs: list[str]) -> bytes:
    """An A4 PDF (150 dpi) of ``title`` and ``paragraphs``, paginated."""
    from PIL import Image, ImageDraw

    from cms.demo import _font

    width, height, margin = 1240, 1754, 110
    title_font, body_font = _font(44), _font(30)
    chars = (width - 2 * margin) // 31
    lines: list[tuple[str, bool]] = [(title, True), ("", False)]
    for paragraph in paragraphs:
        for line in textwrap.wrap("　　" + paragraph.strip(), chars) or [""]:
            lines.append((line, False))
        lines.append(("", False))
    pages: list[Image.Image] = []
    page, draw, y = None, None, height
    for text, is_title in lines:
        step = 70 if is_title else 46
        if page is None or y + step > height - margin:
            page = Image.new("RGB", (width, height), "white")
            draw = ImageDraw.Draw(page)
            pages.append(page)
            y = margin
        if text and draw is not None:
            font = title_font if is_title else body_font
            if is_title and font is not None:
                x0, _y0, x1, _y1 = draw.textbbox((0, 0), text, font=font)
                draw.text(((width - (x1 - x0)) // 2, y), text, font=font, fill=(20, 20, 20))
            else:
                draw.text((margin, y), text, font=font, fill=(20, 20, 20))
        y += step
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=150)
    return out.getvalue()
