"""Files the API and the pages hand out, answered the same way by both."""
from flask import Response

from services.invoices import pdf_filename


def pdf_response(invoice, pdf: bytes) -> Response:
    """An invoice's PDF, as a download named after its number."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{pdf_filename(invoice)}"'
    response.headers["Cache-Control"] = "private"  # personal data: a shared cache never keeps it
    return response
