"""Which builder and template make each kind of paper."""

from datetime import datetime

from sqlmodel import Session as DbSession

from bot.documents.certificaat import build as certificaat
from bot.documents.facts import gather
from bot.documents.getuigschrift import build as getuigschrift
from bot.documents.paper import Texts
from bot.documents.renderer import bilingual, to_pdf
from bot.documents.werkafspraken import build as werkafspraken
from bot.services import Services
from storage.models import Participant

KINDS = ("werkafspraken", "getuigschrift", "certificaat")


def render(services: Services, db: DbSession, participant: Participant, kind: str, now: datetime) -> bytes:
    """One paper for one participant, as it stands now."""
    facts = gather(services, db, participant, now)
    if kind == "getuigschrift":
        return to_pdf("getuigschrift.html", paper=getuigschrift(facts, services.coordinator_texts))
    texts = Texts(services.catalogs, facts.language)
    if kind == "werkafspraken":
        return bilingual(werkafspraken(facts, texts))
    if kind == "certificaat":
        return bilingual(certificaat(facts, texts), name=facts.name)
    raise ValueError(f"kind: one of {', '.join(KINDS)}")
