"""The kennismaking's confirmed answers: stored, translated for the coordinator, shown in Dutch.

Free-text answers are kept as {"original", "language", "dutch", "status"}: the
coordinator always sees the newcomer's own words beside the translation.
"""

from datetime import datetime
from typing import Any, Protocol

from babel import Locale
from sqlmodel import Session as DbSession
from sqlmodel import select

from bot.flow.engine import answer_shown
from bot.flow.events import Literal
from bot.flow.model import Flow, Step
from bot.i18n import Catalogs, format_when, render_part
from storage.models import Intake, Participant

INTAKE_FLOW = "kennismaking"
PENDING, TRANSLATED, UNTRANSLATED, ORIGINAL_IS_DUTCH = "pending", "translated", "untranslated", "original_is_dutch"


class TranslationResult(Protocol):
    text: str | None
    status: str


class FreeTextTranslator(Protocol):
    def translate(self, text: str, source: str, target: str = "nl") -> TranslationResult: ...


def store_intake(db: DbSession, participant: Participant, flow: Flow, answers: dict[str, Any], now: datetime) -> Intake:
    """Keep the confirmed answers (replacing an earlier intake); free text waits for translation."""
    language = participant.language or "nl"
    stored = {
        key: _stored_answer(flow.steps[key], value, language)
        for key, value in answers.items()
        if key in flow.steps and flow.steps[key].label
    }
    intake = db.exec(select(Intake).where(Intake.participant_id == participant.id)).first()
    intake = intake or Intake(participant_id=participant.id, language=language, confirmed_at=now)
    intake.language, intake.answers, intake.confirmed_at, intake.updated_at = language, stored, now, now
    intake.untranslated = _count_waiting(stored)
    db.add(intake)
    db.flush()
    return intake


def _stored_answer(step: Step, value: Any, language: str) -> Any:
    if step.type != "text" or not step.translate or value is None:
        return value
    if language == "nl":
        return {"original": value, "language": language, "dutch": value, "status": ORIGINAL_IS_DUTCH}
    return {"original": value, "language": language, "dutch": None, "status": PENDING}


def _count_waiting(answers: dict[str, Any]) -> int:
    return sum(1 for a in answers.values() if _is_free_text(a) and a["status"] in (PENDING, UNTRANSLATED))


def _is_free_text(answer: Any) -> bool:
    return isinstance(answer, dict) and "original" in answer


def translate_intake(intake: Intake, translator: FreeTextTranslator, now: datetime) -> int:
    """Translate what still waits; what fails stays marked untranslated. Returns how many wait."""
    answers = dict(intake.answers)
    for key, answer in answers.items():
        if _is_free_text(answer) and answer["status"] in (PENDING, UNTRANSLATED):
            result = translator.translate(answer["original"], answer["language"], "nl")
            done = result.status in ("translated", "same_language") and result.text
            answers[key] = {
                **answer,
                "dutch": result.text if done else None,
                "status": TRANSLATED if done else UNTRANSLATED,
            }
    intake.answers, intake.updated_at = answers, now
    intake.untranslated = _count_waiting(answers)
    return intake.untranslated


def dutch_summary(
    intake: Intake, participant: Participant, flow: Flow, catalogs: Catalogs, coordinator: Catalogs
) -> str:
    """The intake as the coordinator reads it: Dutch labels and answers, own words beside them."""
    lines = [
        coordinator.text("nl", "intake.title", {"name": _name(intake)}),
        coordinator.text(
            "nl",
            "intake.confirmed",
            {"when": format_when(intake.confirmed_at, "nl"), "language": _language_name(intake.language)},
        ),
    ]
    summary = next(s for s in flow.steps.values() if s.type == "summary")
    for field in summary.fields:
        if field in intake.answers:
            lines += _field_lines(flow.steps[field], intake.answers[field], catalogs, coordinator)
    return "\n".join(lines)


def _field_lines(step: Step, answer: Any, catalogs: Catalogs, coordinator: Catalogs) -> list[str]:
    label = catalogs.text("nl", step.label)
    if not _is_free_text(answer):
        return [f"{label}: {render_part(catalogs, 'nl', answer_shown(step, answer))}"]
    original = render_part(catalogs, "nl", Literal(answer["original"]))
    if answer["status"] == ORIGINAL_IS_DUTCH:
        return [f"{label}: {original}"]
    dutch = answer["dutch"] or coordinator.text("nl", "intake.untranslated")
    return [
        f"{label}: {dutch}",
        "  "
        + coordinator.text("nl", "intake.original", {"language": _language_name(answer["language"]), "text": original}),
    ]


def _name(intake: Intake) -> str:
    name = intake.answers.get("name")
    return name if isinstance(name, str) else "?"


def _language_name(code: str) -> str:
    return Locale("nl").languages.get(code, code)
