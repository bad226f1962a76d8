"""The A4 document every PDF of Cantine starts from (the annual report, receipts): Debian's
DejaVu fonts when installed, so French and any name print as typed; fpdf2's core Helvetica
(Latin-1) otherwise, with the characters Latin-1 lacks written as their nearest equivalent."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


class Document(FPDF):
    def __init__(self, lang: str, title: str) -> None:
        super().__init__(format="A4")
        self.set_title(title)
        self.set_creator("Cantine")
        self.set_lang(lang)
        if (FONT_DIR / "DejaVuSans.ttf").exists():
            self.add_font("body", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            self.face, self.unicode = "body", True
        else:
            self.face, self.unicode = "helvetica", False

    def txt(self, value: str) -> str:
        """`value` as the font can print it."""
        if self.unicode:
            return value
        # Babel writes amounts with narrow no-break spaces and a real minus: Latin-1 has neither
        return (value.replace("\u202f", " ").replace("\u2212", "-").replace("\u2014", "-")
                .encode("latin-1", "replace").decode("latin-1"))
