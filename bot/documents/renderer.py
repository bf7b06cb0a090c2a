"""HTML templates to PDF with WeasyPrint: Pango and HarfBuzz shape Arabic script and Ge'ez,
and lay out right-to-left text, with Debian's Noto fonts (fonts-noto-core)."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.documents.paper import Paper

TEMPLATES = Path(__file__).resolve().parent / "templates"
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


class RenderError(RuntimeError):
    """The PDF could not be made (e.g. Pango is missing); the message says what to install."""


def bilingual(paper: Paper, name: str = "", signature: str = "") -> bytes:
    """Dutch beside the reader's language, row by row; `name` large (a certificate), a signature line."""
    return to_pdf("bilingual.html", paper=paper, name=name, signature=signature)


def to_pdf(template: str, **context: object) -> bytes:
    html = _ENV.get_template(template).render(**context)
    try:
        # Imported here: loading Pango takes a moment, and the bot runs without papers too.
        from weasyprint import HTML
    except OSError as error:
        raise RenderError(f"WeasyPrint needs Pango (apt-get install libpango-1.0-0): {error}") from error
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
