"""The papers a newcomer asks for at the end (flows/afronden.yaml, answer `papers`).

The certificaat is made from what is known and goes to them once the dialogue is answered.
The getuigschrift needs the centre's word on role and tasks, so it waits for the coordinator:
the Dutch summary and the participant's page say it was asked for and how to make it.
"""

import logging
from datetime import datetime

from sqlmodel import Session as DbSession

from bot import documents
from bot.services import Services
from storage.models import Ending, Participant

log = logging.getLogger(__name__)

# The flow's choice -> the papers (bot.documents.KINDS) it asks for.
ASKED = {
    "certificate": ("certificaat",),
    "testimonial": ("getuigschrift",),
    "both": ("getuigschrift", "certificaat"),
    "none": (),
}


def asked(row: Ending | None) -> tuple[str, ...]:
    """The papers asked for in the ending dialogue; none before it is answered."""
    if row is None or row.answered_at is None:
        return ()
    return ASKED.get(row.answers.get("papers") or "none", ())


def send_certificate(
    services: Services, db: DbSession, participant: Participant, row: Ending, now: datetime
) -> int | None:
    """The certificaat as a message to send, when they asked for it; called once, under the
    summary's claim. A paper that cannot be made (fonts or Pango missing) is logged and
    holds back nothing: the coordinator's summary says how to send it by hand."""
    if "certificaat" not in asked(row):
        return None
    try:
        return documents.send(db, participant, "certificaat", services, now)
    except (documents.RenderError, OSError):
        log.exception("the certificaat for participant %s could not be made", participant.id)
        return None
