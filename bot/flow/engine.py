"""The pure flow engine: (flows, session, input, now) -> (session, events).

No I/O here. The clock is passed in; everything the bot must do comes out as events.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.flow import texts as T
from bot.flow.events import (
    Escalate,
    Event,
    FlowEnded,
    LanguageChosen,
    Line,
    Literal,
    Option,
    SendMessage,
    Signal,
    Stopped,
    TextRef,
)
from bot.flow.matching import match_choice, match_several, normalize
from bot.flow.model import QUESTION_TYPES, Choice, ChoiceWords, Flow, FlowBook, Input, Session, Step

LANGUAGE_FLOW, MENU_FLOW, CANCEL_FLOW, REMINDER_FLOW = "taal", "menu", "afmelden", "herinnering"
# Dialogues worth coming back to after an interruption (a language change, a cancellation).
_NOT_RESUMED = {LANGUAGE_FLOW, MENU_FLOW, CANCEL_FLOW, REMINDER_FLOW}
GLOBAL_ACTIONS = ("help", "language", "stop", "menu", "cancel")
SIGNAL_FACTS = {
    "consent_given": {"consent": True},
    "consent_refused": {"consent": False},
    "absence_cancel": {"absence_kind": "cancel"},
    "absence_late": {"absence_kind": "late"},
}
# Facts one dialogue leaves that must not steer the next (a cancellation starts afresh).
_PASSING_FACTS = ("appointment", "absence_kind")
# Safety net against a cycle of steps that never wait for input.
_MAX_STEPS_PER_TURN = 100


def start(book: FlowBook, flow_id: str, facts: dict[str, Any], now: datetime) -> tuple[Session, list[Event]]:
    """Begin `flow_id` for a participant; `facts` holds what the bot knows (language, consent...)."""
    session = Session(flow_id=flow_id, step_id=None, language=facts.get("language"), updated_at=now, facts=dict(facts))
    turn = _Turn(book, session)
    turn.enter_flow(flow_id)
    return turn.finish(now)


def begin(book: FlowBook, facts: dict[str, Any], first: Input, now: datetime) -> tuple[Session, list[Event]]:
    """A message from someone with no dialogue going on: the entry flow, or a global word."""
    session = Session(
        flow_id=book.entry, step_id=None, language=facts.get("language"), updated_at=now, facts=dict(facts)
    )
    turn = _Turn(book, session)
    action = _global_action(book, first)
    if action:
        turn.global_word(action)
    else:
        turn.enter_flow(book.entry)
    return turn.finish(now)


def interrupt(
    book: FlowBook, session: Session | None, flow_id: str, facts: dict[str, Any], now: datetime
) -> tuple[Session, list[Event]]:
    """The bot starts a dialogue itself (a reminder); what was going on resumes after it."""
    if session is None or session.ended or now - session.updated_at > book.session_timeout:
        return start(book, flow_id, facts, now)
    turn = _Turn(book, _copy(session))
    if turn.s.flow_id != flow_id:  # a newer reminder replaces an unanswered one
        turn.push_frame()
    turn.s.facts.update(facts)
    turn.enter_flow(flow_id)
    return turn.finish(now)


def resume(book: FlowBook, session: Session, answer: Input, now: datetime) -> tuple[Session, list[Event]]:
    """Feed one inbound message to the step that waits for it."""
    turn = _Turn(book, _copy(session))
    if session.ended:
        turn.enter_flow(book.entry)
    elif now - session.updated_at > book.session_timeout:
        turn.expire()
    elif (action := _global_action(book, answer)) and not turn.understands(answer):
        turn.global_word(action)
    else:
        turn.answer(answer)
    return turn.finish(now)


def _copy(session: Session) -> Session:
    return replace(
        session,
        answers=dict(session.answers),
        facts=dict(session.facts),
        stack=[dict(frame) for frame in session.stack],
    )


def global_action(book: FlowBook, answer: Input) -> str | None:
    """The word that works everywhere ("help", "stop", ...) that `answer` is, if any."""
    return _global_action(book, answer)


def _global_action(book: FlowBook, answer: Input) -> str | None:
    word = normalize(answer.text)
    return next((a for a in GLOBAL_ACTIONS if word and word in book.global_words.get(a, ())), None)


class _Turn:
    """One turn: the session being changed and the events it produced."""

    def __init__(self, book: FlowBook, session: Session):
        self.book, self.s = book, session
        self.events: list[Event] = []

    def finish(self, now: datetime) -> tuple[Session, list[Event]]:
        self.s.updated_at = now
        return self.s, self.events

    @property
    def flow(self) -> Flow:
        return self.book.flows[self.s.flow_id]

    @property
    def step(self) -> Step:
        return self.flow.steps[self.s.step_id]

    # --- moving through steps -------------------------------------------------------------

    def enter_flow(self, flow_id: str) -> None:
        self.s.flow_id, self.s.answers, self.s.return_to, self.s.phase = flow_id, {}, None, None
        self.run_from(self.book.flows[flow_id].start)

    def run_from(self, step_id: str | None) -> None:
        for _ in range(_MAX_STEPS_PER_TURN):
            if step_id is None:
                return self.end_flow(completed=True)
            step = self.flow.steps[step_id]
            if step.type == "choose_appointment" and len(self.s.facts.get("appointments", [])) < 2:
                step_id = self.pick_only_appointment(step)
                continue
            if step.type in QUESTION_TYPES:
                if step.id != self.s.step_id:
                    self.s.misses = 0
                self.s.step_id, self.s.phase = step.id, None
                return self.send(self.prompt(step))
            self.s.step_id = step.id
            step_id = self.act(step)
            if step_id is _HANDED_OVER:
                return None
        raise RuntimeError(f"flow {self.s.flow_id!r} ran {_MAX_STEPS_PER_TURN} steps without waiting")

    def act(self, step: Step) -> Any:
        """Do what an action step does; return the next step id (or _HANDED_OVER)."""
        if step.type == "message":
            self.say(step.text, step)
        elif step.type == "branch":
            return next((r.next for r in step.rules if r.holds(self.s.answers, self.s.facts)), step.otherwise)
        elif step.type == "signal":
            self.events.append(Signal(step.signal, self.s.facts.get("appointment", {}).get("id")))
            self.s.facts.update(SIGNAL_FACTS.get(step.signal, {}))
        elif step.type == "escalate":
            self.events.append(Escalate("asked_for_person", self.s.flow_id, step.id))
            self.say(step.text)
        elif step.type == "start_flow":
            self.events.append(self.flow_ended(completed=True))
            self.enter_flow(step.flow)
            return _HANDED_OVER
        elif step.type == "end":
            if step.text:
                self.say(step.text, step)
            self.end_flow(completed=True)
            return _HANDED_OVER
        return step.next

    def end_flow(self, completed: bool) -> None:
        self.events.append(self.flow_ended(completed))
        if completed and self.s.stack:
            frame = self.s.stack.pop()
            self.s.flow_id, self.s.answers = frame["flow_id"], dict(frame["answers"])
            self.s.return_to = frame.get("return_to")
            self.s.step_id = None  # so re-entering keeps no stale miss count
            return self.run_from(frame["step_id"])
        self.s.step_id, self.s.stack, self.s.return_to, self.s.phase = None, [], None, None

    def flow_ended(self, completed: bool) -> FlowEnded:
        return FlowEnded(self.s.flow_id, dict(self.s.answers), completed, dict(self.s.facts))

    def go(self, next_id: str | None) -> None:
        """Move on after an answer; a correction from the summary returns to it."""
        target = self.s.return_to
        if target and (next_id is None or next_id == target or next_id in self.s.answers):
            self.s.return_to = None
            return self.run_from(target)
        return self.run_from(next_id)

    # --- what the participant sees ---------------------------------------------------------

    def languages(self) -> tuple[str, ...]:
        return (self.s.language,) if self.s.language else self.flow.fallback_languages

    def say(self, key: str, step: Step | None = None) -> None:
        self.send(SendMessage((self.text(key, step),), self.languages(), media=self.media(step)))

    def media(self, step: Step | None) -> tuple[str, ...]:
        link = self.s.facts.get(step.params, {}).get(step.media) if step and step.params and step.media else None
        return (link,) if link else ()

    def text(self, key: str, step: Step | None = None) -> TextRef:
        """A step's text, its {placeholders} filled from the fact the step names."""
        params = self.s.facts.get(step.params, {}) if step and step.params else {}
        return TextRef(key, params=dict(params))

    def send(self, message: SendMessage) -> None:
        self.events.append(message)

    def prompt(self, step: Step, lead: str | None = None) -> SendMessage:
        texts: list[TextRef | Line] = [TextRef(lead)] if lead else []
        options: list[Option] = []
        languages = self.languages()
        if step.type == "choose_language":
            texts.append(TextRef(step.text))
            options = [
                Option(n, TextRef(T.LANGUAGE_SELF_NAME, language=code))
                for n, code in enumerate(step.languages, start=1)
            ]
        elif step.type == "confirm_language":
            languages = (self.s.facts["detected_language"],)
            texts.append(TextRef(step.text))
            options = _numbered([TextRef(T.YES), TextRef(T.ANOTHER_LANGUAGE)])
        elif step.type == "summary":
            return self.summary_prompt(step, texts)
        elif step.type == "choose_appointment":
            texts.append(self.text(step.text, step))
            options = _numbered([TextRef(T.APPOINTMENT_OPTION, params=dict(a)) for a in self.s.facts["appointments"]])
        else:
            texts.append(self.text(step.text, step))
            texts += [TextRef(T.MULTI_HINT)] if step.type == "multi_choice" else []
            texts += [TextRef(T.SKIP_HINT)] if step.type == "text" and step.optional else []
            options = _numbered([TextRef(c.text) for c in step.choices])
        return SendMessage(tuple(texts), languages, tuple(options))

    def summary_prompt(self, step: Step, texts: list[TextRef | Line]) -> SendMessage:
        if self.s.phase == "pick":
            labels = [TextRef(self.flow.steps[f].label) for f in self.answered_fields(step)]
            return SendMessage((*texts, TextRef(T.SUMMARY_WHICH)), self.languages(), tuple(_numbered(labels)))
        lines = [self.summary_line(self.flow.steps[f]) for f in self.answered_fields(step)]
        texts += [self.text(step.text, step), *lines, TextRef(T.SUMMARY_QUESTION)]
        options = _numbered([TextRef(T.SUMMARY_YES), TextRef(T.SUMMARY_CHANGE)])
        return SendMessage(tuple(texts), self.languages(), tuple(options))

    def answered_fields(self, step: Step) -> list[str]:
        return [f for f in step.fields if f in self.s.answers]

    def summary_line(self, field: Step) -> Line:
        return Line((TextRef(field.label), answer_shown(field, self.s.answers[field.id])), separator=": ")

    # --- answers --------------------------------------------------------------------------

    def answer(self, given: Input) -> None:
        step = self.step
        if step.type == "text":
            return self.answer_text(step, given)
        if step.type == "summary" and self.s.phase == "pick":
            return self.pick_field(step, given)
        if step.type == "choose_appointment":
            return self.choose_appointment(step, given)
        if step.type == "multi_choice":
            chosen = match_several(given.text, self.words(step.id), given.button_payload)
            return self.accept(step, chosen, step.next) if chosen else self.miss(step, given)
        chosen = self.match(step.id, given)
        if chosen is None:
            return self.miss(step, given)
        self.s.misses = 0
        if step.type == "choose_language":
            return self.choose_language(step, chosen)
        if step.type == "confirm_language":
            if chosen == "yes":
                return self.choose_language(step, self.s.facts["detected_language"])
            return self.run_from(step.no)
        if step.type == "summary":
            return self.confirm_summary(step, chosen)
        choice = next(c for c in step.choices if c.id == chosen)
        self.forget_other_branches(step, choice)
        value: Any = (chosen == "yes") if step.type == "yes_no" else chosen
        return self.accept(step, value, choice.next or step.next)

    def accept(self, step: Step, value: Any, next_id: str | None) -> None:
        self.s.misses = 0
        self.s.answers[step.id] = value
        self.go(next_id)

    def answer_text(self, step: Step, given: Input) -> None:
        text = given.text.strip()
        if step.optional and (text in ("0", "-", "0️⃣") or normalize(text) in self.book.skip_words):
            return self.accept(step, None, step.next)
        if not normalize(text):
            return self.miss(step, given)
        return self.accept(step, text, step.next)

    def choose_language(self, step: Step, code: str) -> None:
        self.events.append(LanguageChosen(code))
        self.s.language = self.s.facts["language"] = code
        self.s.answers[step.id] = code
        self.go(step.next)

    def pick_only_appointment(self, step: Step) -> str | None:
        """No question when there is nothing to choose: the one appointment, or `on_none`."""
        appointments = self.s.facts.get("appointments", [])
        if not appointments:
            return step.no
        self.s.facts["appointment"] = dict(appointments[0])
        self.s.answers[step.id] = appointments[0]["id"]
        return step.next

    def choose_appointment(self, step: Step, given: Input) -> None:
        appointments = self.s.facts["appointments"]
        choices = {str(a["id"]): (n, frozenset()) for n, a in enumerate(appointments, start=1)}
        chosen = match_choice(given.text, given.button_payload, choices)
        if chosen is None:
            return self.miss(step, given)
        self.s.facts["appointment"] = next(dict(a) for a in appointments if str(a["id"]) == chosen)
        return self.accept(step, int(chosen), step.next)

    def confirm_summary(self, step: Step, chosen: str) -> None:
        if chosen == "yes":
            return self.accept(step, True, step.next)
        self.s.phase = "pick"
        self.send(self.prompt(step))

    def pick_field(self, step: Step, given: Input) -> None:
        # Numbered as shown: only the fields that have an answer.
        label_words = self.words(f"{step.id}#fields")
        words = {f: (n, label_words[f][1]) for n, f in enumerate(self.answered_fields(step), start=1)}
        picked = match_choice(given.text, given.button_payload, words)
        if picked is None:
            return self.miss(step, given)
        self.s.misses, self.s.phase, self.s.return_to = 0, None, step.id
        self.s.step_id = None  # entering the field's step fresh
        self.run_from(picked)

    def forget_other_branches(self, step: Step, choice: Choice) -> None:
        """A changed choice drops answers given on the branches it no longer takes."""
        for other in step.choices:
            if other.next and other.next != choice.next and other.next != step.next:
                self.s.answers.pop(other.next, None)

    def miss(self, step: Step, given: Input) -> None:
        self.s.misses += 1
        lead = T.MEDIA_NOT_SUPPORTED if given.media_count and not given.text.strip() else T.NOT_UNDERSTOOD
        if self.s.misses == 2:
            self.events.append(Escalate("not_understood", self.s.flow_id, step.id))
            lead = T.PERSON_WILL_HELP
        self.send(self.prompt(step, lead))

    def understands(self, given: Input) -> bool:
        """Whether an answer names one of the waiting question's choices.

        A choice's own words win over a global word: the reminder's "cannot come" choice
        answers the reminder, even where the same words mean "cancel" everywhere else.
        """
        choosing = self.waiting and self.step.type in ("choice", "yes_no", "confirm_language") and not self.s.phase
        return choosing and self.match(self.step.id, given) is not None

    def match(self, step_id: str, given: Input) -> str | None:
        return match_choice(given.text, given.button_payload, self.words(step_id))

    def words(self, key: str) -> ChoiceWords:
        return self.flow.choice_words.get(key, {})

    # --- words that work everywhere ------------------------------------------------------------

    def global_word(self, action: str) -> None:
        handlers = {
            "help": self.ask_for_person,
            "language": self.change_language,
            "stop": self.stop,
            "menu": self.open_menu,
            "cancel": self.cancel,
        }
        handlers[action]()

    @property
    def waiting(self) -> bool:
        return self.s.step_id is not None

    def reprompt_or_say(self, lead: str) -> None:
        """Say `lead`, then ask the waiting question again so the dialogue goes on."""
        return self.send(self.prompt(self.step, lead)) if self.waiting else self.say(lead)

    def ask_for_person(self) -> None:
        self.events.append(Escalate("asked_for_person", self.s.flow_id, self.s.step_id))
        self.reprompt_or_say(T.HELP_REPLY)

    def change_language(self) -> None:
        if self.s.flow_id == LANGUAGE_FLOW:
            return self.send(self.prompt(self.step))
        self.push_frame()
        self.enter_flow(LANGUAGE_FLOW)

    def push_frame(self) -> None:
        """Remember the waiting question, to come back to it when the next flow ends."""
        if self.waiting:
            frame = {
                "flow_id": self.s.flow_id,
                "step_id": self.s.step_id,
                "answers": dict(self.s.answers),
                "return_to": self.s.return_to,
            }
            self.s.stack.append(frame)

    def stop(self) -> None:
        self.leave_everything()
        self.events.append(Stopped())
        self.say(T.STOP_REPLY)
        self.s.step_id = None

    def open_menu(self) -> None:
        self.leave_everything()
        self.enter_flow(MENU_FLOW)

    def cancel(self) -> None:
        if CANCEL_FLOW not in self.book.flows:
            return self.reprompt_or_say(T.CANCEL_NOT_YET)
        if self.s.flow_id in _NOT_RESUMED:
            self.leave_everything()
        else:
            self.push_frame()
        for fact in _PASSING_FACTS:
            self.s.facts.pop(fact, None)
        self.enter_flow(CANCEL_FLOW)

    def leave_everything(self) -> None:
        self.events.append(self.flow_ended(completed=False))
        self.s.stack = []

    def expire(self) -> None:
        self.say(T.SESSION_EXPIRED)
        self.events.append(self.flow_ended(completed=False))
        self.s.stack, self.s.step_id = [], None
        self.enter_flow(self.book.entry)


_HANDED_OVER = object()


def _numbered(labels: list[TextRef]) -> list[Option]:
    return [Option(n, label) for n, label in enumerate(labels, start=1)]


def answer_shown(field: Step, value: Any) -> TextRef | Literal | Line:
    """How an answer is shown back: choice labels as texts, own words as they were written."""
    if value is None:
        return TextRef(T.SUMMARY_SKIPPED)
    if field.type == "yes_no":
        return TextRef(T.YES if value else T.NO)
    if field.type in ("choice", "choose_language"):
        return next((TextRef(c.text) for c in field.choices if c.id == value), Literal(str(value)))
    if field.type == "multi_choice":
        labels = [TextRef(c.text) for c in field.choices if c.id in value]
        return Line(tuple(labels), listed=True)
    return Literal(str(value))
