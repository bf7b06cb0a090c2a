"""The pure flow engine: (flow, session, input, now) -> (session, events).

No I/O here. The clock is passed in; everything the bot must do comes out as events.
"""

from dataclasses import replace
from datetime import datetime

from bot.flow.events import Event, FlowEnded, LanguageChosen, Option, SendMessage, TextRef
from bot.flow.matching import match_choice
from bot.flow.model import Flow, Input, Session, Step

NOT_UNDERSTOOD = "input.not_understood"
MEDIA_NOT_SUPPORTED = "input.media_not_supported"
LANGUAGE_SELF_NAME = "language.self_name"

# Safety net against a cycle of steps that never wait for input.
_MAX_STEPS_PER_TURN = 50


def start(flow: Flow, language: str | None, now: datetime) -> tuple[Session, list[Event]]:
    """Begin `flow` for a participant whose language may still be unknown."""
    session = Session(flow_id=flow.id, step_id=flow.start, language=language)
    return _run_from(flow, session, flow.start, [])


def resume(flow: Flow, session: Session, answer: Input, now: datetime) -> tuple[Session, list[Event]]:
    """Feed one inbound message to the step that waits for it."""
    if session.ended:
        return start(flow, session.language, now)
    step = flow.steps[session.step_id]
    session = replace(session, answers=dict(session.answers))
    return _answer(flow, session, step, answer)


def _answer(flow: Flow, session: Session, step: Step, answer: Input) -> tuple[Session, list[Event]]:
    choices = _language_choices(flow, step)
    chosen = match_choice(answer.text, answer.button_payload, choices)
    if chosen is None:
        session.misses += 1
        problem = MEDIA_NOT_SUPPORTED if answer.media_count and not answer.text.strip() else NOT_UNDERSTOOD
        return session, [_prompt(flow, session, step, lead=TextRef(problem))]
    session.misses = 0
    session.language = chosen
    session.answers[step.id] = chosen
    return _run_from(flow, session, step.next, [LanguageChosen(chosen)])


def _run_from(flow: Flow, session: Session, step_id: str | None, events: list[Event]) -> tuple[Session, list[Event]]:
    for _ in range(_MAX_STEPS_PER_TURN):
        if step_id is None:
            session.step_id = None
            events.append(FlowEnded(flow.id))
            return session, events
        step = flow.steps[step_id]
        session.step_id = step.id
        if step.type == "message":
            events.append(SendMessage((TextRef(step.text),), _languages(flow, session)))
            step_id = step.next
        elif step.type == "choose_language":
            if session.language and step.if_language_known:
                step_id = step.if_language_known
                continue
            events.append(_prompt(flow, session, step))
            return session, events
        else:  # "end"
            step_id = None
    raise RuntimeError(f"flow {flow.id!r} ran {_MAX_STEPS_PER_TURN} steps without waiting")


def _prompt(flow: Flow, session: Session, step: Step, lead: TextRef | None = None) -> SendMessage:
    texts = tuple(t for t in (lead, TextRef(step.text)) if t)
    options = tuple(
        Option(number, TextRef(LANGUAGE_SELF_NAME, language=code))
        for number, code in enumerate(step.languages, start=1)
    )
    return SendMessage(texts, _languages(flow, session), options)


def _language_choices(flow: Flow, step: Step) -> dict[str, tuple[int, frozenset[str]]]:
    return {
        code: (number, flow.language_words.get(code, frozenset()))
        for number, code in enumerate(step.languages, start=1)
    }


def _languages(flow: Flow, session: Session) -> tuple[str, ...]:
    return (session.language,) if session.language else flow.fallback_languages
