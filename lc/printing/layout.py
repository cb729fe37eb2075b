"""Lay out a printable document (title, facts, sections of labelled rows and paragraphs) as a
PDF, in English or Traditional Chinese. Pure Python on reportlab: no Django.

The output is byte-for-byte reproducible (reportlab's invariant mode: no creation time, no
random document id), so the SHA-256 that an action's ledger entry records can be re-derived
by anyone who renders the same facts again.

Traditional Chinese is set in AR PL UMing HK (Arphic's Ming face for Hong Kong, a TrueType
collection: Debian's fonts-arphic-uming, which `make test` installs), embedded as a subset, so
the PDF renders the same in any reader and its text extracts (each subset carries its ToUnicode
map). reportlab embeds only TrueType outlines, which rules out the CFF-based Noto CJK fonts. The
file is PRINT_CJK_FONT (path[:face index]) when set. Without it on the machine we fall back to
Adobe's CNS1 CID font MSung-Light, referenced and not embedded: readers with Adobe's Asian font
packs and poppler with poppler-data show it, others may not; the bytes (so the SHA-256) then
differ from a machine that has the font.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import _cidfontdata, pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

LANGUAGES = ("en", "zh-Hant")
CJK_FONT_FILE = "/usr/share/fonts/truetype/arphic/uming.ttc:1"  # face 1 of 4: AR PL UMing HK
EMBEDDED_CJK_FONT = "UMingHK"
CID_CJK_FONT = "MSung-Light"


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    heading: str
    rows: tuple[Row, ...] = ()
    paragraphs: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()  # first row is the header
    widths: tuple[float, ...] = ()  # of the table's columns, in mm (reportlab balances them if empty)


@dataclass(frozen=True)
class PrintDocument:
    title: str
    subtitle: str
    facts: tuple[Row, ...] = ()
    sections: tuple[Section, ...] = ()
    footer: str = ""
    keywords: tuple[str, ...] = field(default=())


def render(doc: PrintDocument, lang: str) -> bytes:
    """The document as PDF bytes, reproducible for the same facts and language."""
    if lang not in LANGUAGES:
        raise ValueError(f"no print layout for language {lang!r}")
    styles = _styles(lang)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=18 * mm,
        title=doc.title, subject=doc.subtitle, author="TradeChain", creator="TradeChain", invariant=1,
        lang=lang,
    )
    story: list[Flowable] = [Paragraph(_text(doc.title), styles["title"]), Paragraph(_text(doc.subtitle), styles["sub"])]
    if doc.facts:
        story.append(_rows(doc.facts, styles))
    for section in doc.sections:
        story += _section(section, styles)
    footer = doc.footer

    def on_page(canvas: Any, tmpl: Any) -> None:
        canvas.saveState()
        canvas.setFont(styles["small"].fontName, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, footer[:160])
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(canvas.getPageNumber()))
        canvas.restoreState()

    template.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _section(section: Section, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 4 * mm), Paragraph(_text(section.heading), styles["h2"])]
    if section.rows:
        out.append(_rows(section.rows, styles))
    for paragraph in section.paragraphs:
        out.append(Paragraph(_text(paragraph), styles["body"]))
    if section.table:
        out.append(_grid(section.table, styles, section.widths))
    return out


def _rows(rows: tuple[Row, ...], styles: dict[str, ParagraphStyle]) -> Table:
    data = [[Paragraph(_text(r.label), styles["label"]), Paragraph(_text(r.value), styles["body"])] for r in rows]
    table = Table(data, colWidths=[58 * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d9dce3")),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _grid(rows: tuple[tuple[str, ...], ...], styles: dict[str, ParagraphStyle],
          widths: tuple[float, ...] = ()) -> Table:
    data = [[Paragraph(_text(cell), styles["label" if i == 0 else "small"]) for cell in row]
            for i, row in enumerate(rows)]
    table = Table(data, repeatRows=1, hAlign="LEFT", colWidths=[w * mm for w in widths] or None)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f5")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#d9dce3")),
    ]))
    return table


def _text(value: str) -> str:
    """Plain text for a Paragraph: markup escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def _styles(lang: str) -> dict[str, ParagraphStyle]:
    if lang == "zh-Hant":
        regular = bold = cjk_font()
        wrap = "CJK"
    else:
        regular, bold, wrap = "Helvetica", "Helvetica-Bold", None
    base = {"fontName": regular, "alignment": TA_LEFT, "wordWrap": wrap}
    return {
        "title": ParagraphStyle("title", fontSize=16, leading=20, spaceAfter=2, **{**base, "fontName": bold}),
        "sub": ParagraphStyle("sub", fontSize=9.5, leading=12, spaceAfter=8, textColor=colors.HexColor("#4a5060"),
                              **base),
        "h2": ParagraphStyle("h2", fontSize=11.5, leading=15, spaceAfter=3, **{**base, "fontName": bold}),
        "label": ParagraphStyle("label", fontSize=8.5, leading=11, textColor=colors.HexColor("#2d3340"),
                                **{**base, "fontName": bold}),
        "body": ParagraphStyle("body", fontSize=9, leading=12, **base),
        "small": ParagraphStyle("small", fontSize=8, leading=10, **base),
    }


def cjk_font() -> str:
    """The registered name of the Traditional Chinese font: the embedded TrueType face when its
    file is on the machine, else the CID font (see the module docstring)."""
    registered = pdfmetrics.getRegisteredFontNames()
    if EMBEDDED_CJK_FONT in registered:
        return EMBEDDED_CJK_FONT
    path, _, face = os.environ.get("PRINT_CJK_FONT", CJK_FONT_FILE).partition(":")
    if os.path.isfile(path):
        pdfmetrics.registerFont(TTFont(EMBEDDED_CJK_FONT, path, subfontIndex=int(face or 0)))
        return EMBEDDED_CJK_FONT
    if CID_CJK_FONT not in registered:
        # reportlab's table pairs MSung-Light (Adobe-CNS1) with UniGB-UCS2-H, a CMap of the
        # GB collection: poppler and Acrobat then show nothing. UniCNS-UCS2-H is the right one.
        _cidfontdata.defaultUnicodeEncodings[CID_CJK_FONT] = ("cht", "UniCNS-UCS2-H")
        pdfmetrics.registerFont(UnicodeCIDFont(CID_CJK_FONT))
    return CID_CJK_FONT
