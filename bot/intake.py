"""The kennismaking's confirmed answers: stored, translated for the coordinator, shown in Dutch.

Free-text answers are kept as {"original", "language", "dutch", "status"}: the
coordinator always sees the newcomer's own words beside the translation.
"""

from datetime import datetime
from typing import Any

from anyascii import anyascii
from babel import Locale
from sqlmodel import Session as DbSession

from bot.flow.events import Literal
from bot.flow.model import Flow
from bot.flow.steps import Question
from bot.flow.steps.base import answer_shown
from bot.flow.steps.summary import SummaryStep
from bot.i18n import Catalogs, format_when, render_part
from bot.own_words import ORIGINAL_IS_DUTCH, FreeTextTranslator, is_own_words, kept, translated, waiting
from storage import queries
from storage.models import Intake, Participant


def store_intake(db: DbSession, participant: Participant, flow: Flow, answers: dict[str, Any], now: datetime) -> Intake:
    """Keep the confirmed answers (replacing an earlier intake); free text waits for translation."""
    language = participant.language or "nl"
    stored = {
        key: _stored_answer(flow.steps[key], value, language)
        for key, value in answers.items()
        if key in flow.steps and flow.steps[key].label
    }
    intake = queries.intake_of(db, participant.id) or Intake(
        participant_id=participant.id, language=language, confirmed_at=now
    )
    intake.language, intake.answers, intake.confirmed_at, intake.updated_at = language, stored, now, now
    intake.untranslated = _count_waiting(stored)
    db.add(intake)
    db.flush()
    return intake


def _stored_answer(step: Question, value: Any, language: str) -> Any:
    return kept(value, language) if step.keeps_own_words() and value is not None else value


def output_of(intake: Intake, flow: Flow, output: str) -> Any:
    """A stored answer by its output name (stored answers are keyed by the flow's step ids)."""
    step = flow.step_saving(output)
    return intake.answers.get(step.id) if step else None


def _count_waiting(answers: dict[str, Any]) -> int:
    return sum(1 for a in answers.values() if waiting(a))


def translate_intake(intake: Intake, translator: FreeTextTranslator, now: datetime) -> int:
    """Translate what still waits; what fails stays marked untranslated. Returns how many wait."""
    answers = {key: translated(a, translator) if waiting(a) else a for key, a in intake.answers.items()}
    intake.answers, intake.updated_at = answers, now
    intake.untranslated = _count_waiting(answers)
    return intake.untranslated


def dutch_summary(
    intake: Intake, participant: Participant, flow: Flow, catalogs: Catalogs, coordinator: Catalogs
) -> str:
    """The intake as the coordinator reads it: Dutch labels and answers, own words beside them."""
    lines = [
        coordinator.text("nl", "intake.title", {"name": with_latin(_name(intake, flow))}),
        coordinator.text("nl", "intake.phone", {"phone": participant.phone}),
        coordinator.text(
            "nl",
            "intake.confirmed",
            {"when": format_when(intake.confirmed_at, "nl"), "language": language_name(intake.language)},
        ),
    ]
    for label, (first, *rest) in dutch_fields(intake, flow, catalogs, coordinator):
        lines += [f"{label}: {first}", *(f"  {line}" for line in rest)]
    return "\n".join(lines)


def dutch_fields(intake: Intake, flow: Flow, catalogs: Catalogs, coordinator: Catalogs) -> list[tuple[str, list[str]]]:
    """(Dutch label, lines) per answered field, in the summary's order; own words as own_words_lines."""
    summary = next(s for s in flow.steps.values() if isinstance(s, SummaryStep))
    return [
        (
            catalogs.text("nl", flow.steps[field].label),
            _field_lines(flow.steps[field], intake.answers[field], catalogs, coordinator),
        )
        for field in summary.fields
        if field in intake.answers
    ]


def _field_lines(step: Question, answer: Any, catalogs: Catalogs, coordinator: Catalogs) -> list[str]:
    if not is_own_words(answer):
        return [render_part(catalogs, "nl", answer_shown(step, answer))]
    return own_words_lines(answer, coordinator)


def own_words_lines(answer: dict[str, Any], coordinator: Catalogs) -> list[str]:
    """The Dutch (or 'not yet translated'), then the original words with their language."""
    original = render_part(coordinator, "nl", Literal(answer["original"]))
    if answer["status"] == ORIGINAL_IS_DUTCH:
        return [original]
    dutch = answer["dutch"] or coordinator.text("nl", "intake.untranslated")
    language = language_name(answer["language"])
    return [dutch, coordinator.text("nl", "intake.original", {"language": language, "text": original})]


def _name(intake: Intake, flow: Flow) -> str:
    name = output_of(intake, flow, "participant.name")
    return name if isinstance(name, str) else "?"


def with_latin(name: str) -> str:
    """'Олена (Olena)': a name in another script with a Latin transliteration the begeleider can read aloud."""
    latin = anyascii(name).strip()
    return name if latin == name or not latin else f"{name} ({latin})"


def language_name(code: str) -> str:
    return Locale("nl").languages.get(code, code)
