"""The papers (issue 11): werkafspraken, getuigschrift and certificaat as PDF.

    render(services, db, participant, kind, now) -> PDF bytes
    send(db, participant, kind, services, now)   -> id of the message that carries it

Each kind has its own module; `paper` holds the bilingual layout as data, `renderer`
turns HTML templates into PDF (WeasyPrint), `sending` stores the PDF and the message.
"""

from bot.documents.making import KINDS, render
from bot.documents.renderer import RenderError
from bot.documents.sending import send

__all__ = ["KINDS", "RenderError", "render", "send"]
