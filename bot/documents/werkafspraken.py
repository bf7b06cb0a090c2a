"""The werkafspraken (work agreements): one A4, Dutch beside the participant's language.

The seed (phase 4): the organisation, the agreements and the contact details, possibly
bilingual, with the consulent's details too; the checklist adds how and when to cancel,
breaks, lunch and customs. Made from the kennismaking, the appointments and the placement.
"""

from typing import Any

from babel.lists import format_list

from bot.appointments import route_url
from bot.documents.facts import Facts
from bot.documents.paper import Paper, Row, Section, Texts
from bot.i18n import format_clock, format_day
from bot.own_words import is_own_words

# Things to bring that the centre can tick (`bot document details --bring`); texts paper.bring.<id>.
BRING = ("id_card", "work_clothes", "sturdy_shoes", "phone")
LUNCH = ("own", "provided")


def build(facts: Facts, texts: Texts) -> Paper:
    return Paper(
        kind="werkafspraken",
        language=facts.language,
        title=texts.pair("paper.werkafspraken.title"),
        lead=texts.pair("paper.werkafspraken.lead"),
        sections=[
            _place(facts, texts),
            _times(facts, texts),
            _bring(facts, texts),
            _cancelling(facts, texts),
            _breaks(facts, texts),
            _customs(facts, texts),
            _contacts(facts, texts),
        ],
        footer=[texts.pair("paper.questions"), made_on(facts, texts)],
    )


def made_on(facts: Facts, texts: Texts) -> Any:
    return texts.pair("paper.made_on", {"date": lambda lang: format_day(facts.now.date(), lang)})


def _place(facts: Facts, texts: Texts) -> Section:
    rows = []
    if facts.organisation or facts.address:
        where = ", ".join(part for part in (facts.organisation, facts.address) if part)
        rows.append(texts.row("paper.place.where", detail=where))
    if facts.address:
        rows.append(texts.row("paper.place.route", link=route_url(facts.address)))
    return Section(texts.pair("paper.place.heading"), rows or [texts.row("paper.place.ask")])


def _times(facts: Facts, texts: Texts) -> Section:
    rows = [
        texts.row(
            "paper.times.row",
            {
                "day": lambda lang, d=day: texts.one(lang, f"common.day.{d}"),
                "start": lambda lang, s=start: format_clock(s, lang),
                "end": lambda lang, e=end: format_clock(e, lang),
            },
        )
        for day, start, end in facts.week()
    ]
    if facts.first_day and facts.last_day:
        rows.append(period(facts, texts))
    return Section(texts.pair("paper.times.heading"), rows or [texts.row("paper.times.none")])


def period(facts: Facts, texts: Texts) -> Row:
    return texts.row(
        "paper.period",
        {"start": lambda lang: format_day(facts.first_day, lang), "end": lambda lang: format_day(facts.last_day, lang)},
    )


def _bring(facts: Facts, texts: Texts) -> Section:
    rows = [texts.row(f"paper.bring.{item}") for item in facts.placement.bring if item in BRING]
    return Section(texts.pair("paper.bring.heading"), rows or [texts.row("paper.bring.ask")])


def _cancelling(facts: Facts, texts: Texts) -> Section:
    hours = f"{facts.late_cancel_hours:g}"
    rows = [
        texts.row("paper.cancel.how", {"hours": hours}),
        texts.row("paper.cancel.reason"),
        texts.row("paper.cancel.late"),
    ]
    return Section(texts.pair("paper.cancel.heading"), rows)


def _breaks(facts: Facts, texts: Texts) -> Section:
    placement, rows = facts.placement, []
    if placement.break_minutes:
        rows.append(texts.row("paper.breaks.minutes", {"minutes": str(placement.break_minutes)}))
    if placement.lunch in LUNCH:
        rows.append(texts.row(f"paper.lunch.{placement.lunch}"))
    diet = _diet(facts, texts)
    if not rows:
        rows.append(texts.row("paper.breaks.ask"))
    if diet:
        rows.append(texts.row("paper.lunch.diet", {"diet": diet}))
    return Section(texts.pair("paper.breaks.heading"), rows)


def _diet(facts: Facts, texts: Texts) -> Any:
    """What they eat, from the kennismaking: a choice, or their own words for 'other'."""
    choice = facts.answers.get("lunch")
    if choice == "other" and is_own_words(facts.answers.get("lunch_other")):
        return own_words(facts.answers["lunch_other"])
    if isinstance(choice, str) and choice != "other":
        return lambda lang: texts.one(lang, f"kennismaking.lunch.{choice}")
    return None


def _customs(facts: Facts, texts: Texts) -> Section:
    rows = []
    if is_own_words(facts.answers.get("customs")):
        rows.append(texts.row("paper.customs.words", {"words": own_words(facts.answers["customs"])}))
    kept = [h for h in facts.participant.holidays if h != "none"]
    if kept:

        def names(lang: str) -> str:
            return format_list([texts.one(lang, f"holiday.{h}") for h in kept], locale=lang)

        rows.append(texts.row("paper.customs.holidays", {"holidays": names}))
    return Section(texts.pair("paper.customs.heading"), rows or [texts.row("paper.customs.none")])


def own_words(answer: dict) -> Any:
    """Their own words in their column; the Dutch translation (else the words) in the Dutch one."""
    return lambda lang: (answer.get("dutch") or answer["original"]) if lang == "nl" else answer["original"]


def _contacts(facts: Facts, texts: Texts) -> Section:
    rows = []
    coordinator, placement = facts.coordinator, facts.placement
    if coordinator is not None:
        contact = contact_line(coordinator.name, coordinator.phone, coordinator.email)
        rows.append(texts.row("paper.contacts.begeleider", detail=contact))
    if placement.consulent_name or placement.consulent_phone or placement.consulent_email:
        contact = contact_line(placement.consulent_name, placement.consulent_phone, placement.consulent_email)
        rows.append(texts.row("paper.contacts.consulent", detail=contact))
    return Section(texts.pair("paper.contacts.heading"), rows or [texts.row("paper.questions")])


def contact_line(*parts: str | None) -> str:
    return ", ".join(part for part in parts if part)
