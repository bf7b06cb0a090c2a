"""The getuigschrift (testimonial), in Dutch after the seed's template: who declares, name,
period, role, the tasks done, and whom to ask for references.

The seed's template also asks for date and place of birth; those are not kept (the AVG's
minimal data), so they are left out rather than asked for only here.
"""

from dataclasses import dataclass

from bot.documents.facts import Facts
from bot.documents.werkafspraken import contact_line
from bot.i18n import SOURCE_LANGUAGE, Catalogs, format_day
from bot.intake import with_latin

# Empty lines to write on by hand when the centre gave no tasks, as the seed's template has.
BLANK_TASKS = 4


@dataclass(frozen=True)
class Getuigschrift:
    title: str
    statement: str
    tasks_intro: str
    tasks: list[str]
    references: str
    closing: str
    signature: str
    place_date: str


def build(facts: Facts, texts: Catalogs) -> Getuigschrift:
    """`texts`: the coordinators' (Dutch) catalog."""
    coordinator = facts.coordinator
    begeleider = coordinator.name if coordinator else ""
    organisation = facts.organisation
    params = {
        "begeleider": begeleider,
        "organisation": organisation,
        "name": with_latin(facts.name),
        "start": format_day(facts.first_day, SOURCE_LANGUAGE) if facts.first_day else "…",
        "end": format_day(facts.last_day, SOURCE_LANGUAGE) if facts.last_day else "…",
        "role": facts.placement.role or texts.text("nl", "getuigschrift.role_default"),
        "contact": contact_line(coordinator.email, coordinator.phone) if coordinator else "",
        "date": format_day(facts.now.date(), SOURCE_LANGUAGE),
    }
    return Getuigschrift(
        title=texts.text("nl", "getuigschrift.title"),
        statement=texts.text("nl", "getuigschrift.statement", params),
        tasks_intro=texts.text("nl", "getuigschrift.tasks", params),
        tasks=list(facts.placement.tasks) or [""] * BLANK_TASKS,
        references=texts.text("nl", "getuigschrift.references", params),
        closing=texts.text("nl", "getuigschrift.closing"),
        signature=texts.text("nl", "getuigschrift.signature"),
        place_date=texts.text("nl", "getuigschrift.place_date", params),
    )
