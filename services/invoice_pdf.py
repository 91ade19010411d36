"""An invoice as a one-page PDF (fpdf2), from what the invoice copied when it was issued.

DejaVu Sans is used when the system has it (Debian's fonts-dejavu-core), so any name prints; without it
the PDF falls back to Helvetica, which has only Latin-1, and other characters print as "?".
"""
from pathlib import Path

from fpdf import FPDF

from core.money import format_cents
from models import Invoice

FONT_FILES = {
    "": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "B": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}
TITLES = {"paid": "Invoice", "credit": "Credit note"}


class _Document:
    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()
        self.unicode = all(path.exists() for path in FONT_FILES.values())
        if self.unicode:
            for style, path in FONT_FILES.items():
                self.pdf.add_font("DejaVu", style, str(path))
        self.family = "DejaVu" if self.unicode else "Helvetica"

    def text(self, value: str) -> str:
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: int, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)

    def line(self, value: str, size: int = 10, bold: bool = False, height: float = 5.5) -> None:
        self.font(size, bold)
        self.pdf.multi_cell(0, height, self.text(value), new_x="LMARGIN", new_y="NEXT")

    def lines_table(self, rows: list[tuple[str, str]]) -> None:
        """Description and amount, a row each; the first is the heading, the last the total."""
        self.font(10)
        with self.pdf.table(col_widths=(75, 25), text_align=("LEFT", "RIGHT"), line_height=7,
                            borders_layout="HORIZONTAL_LINES") as table:
            for left, right in rows:
                table.row((self.text(left), self.text(right)))


def render(invoice: Invoice) -> bytes:
    document = _Document()
    title = TITLES.get(invoice.status, "Invoice")
    document.pdf.set_title(f"{title} {invoice.number}")
    document.pdf.set_author(document.text(invoice.issuer_name))

    document.line(invoice.issuer_name, size=16, bold=True, height=8)
    for part in (invoice.issuer_address, invoice.issuer_email):
        for text in (part or "").splitlines():
            document.line(text)
    if invoice.issuer_tax_id:
        document.line(f"Tax id: {invoice.issuer_tax_id}")
    document.pdf.ln(6)

    document.line(f"{title} {invoice.number}", size=14, bold=True, height=8)
    document.line(f"Issue date: {invoice.issue_date:%d %b %Y}")
    document.line(f"Date of the transaction: {invoice.created_at:%d %b %Y, %H:%M} UTC")
    document.line(f"Status: {invoice.status}")
    document.pdf.ln(4)

    document.line("Customer", bold=True)
    document.line(f"{invoice.customer_alias} ({invoice.customer_username})")
    if invoice.customer_email:
        document.line(invoice.customer_email)
    if invoice.pool_name:
        document.line(f"Pool wallet: {invoice.pool_name}")
    document.pdf.ln(6)

    amount = f"{format_cents(invoice.amount_cents)} {invoice.currency}"
    document.lines_table([("Description", "Amount"), (invoice.description, amount), ("Total", amount)])
    document.pdf.ln(4)
    closing = ("Paid from the wallet balance." if invoice.status == "paid"
               else "Credited to the wallet balance.")
    document.line(closing, size=9)
    return bytes(document.pdf.output())
