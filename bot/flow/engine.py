"""The pure flow engine: (flows, run, input, now) -> (run, events).

No I/O here. The clock is passed in; everything the bot must do comes out as events.
What each step type does lives with its model in bot/flow/steps/; this module moves a
run from step to step and handles what works everywhere (help, language, stop, menu, cancel).
"""

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.flow import intents
from bot.flow import texts as T
from bot.flow.events import (
    Escalate,
    Event,
    FlowEnded,
    LanguageChosen,
    Option,
    SendMessage,
    Stopped,
    TextRef,
)
from bot.flow.matching import match_choice, normalize, payload_for
from bot.flow.model import ChoiceWords, Flow, FlowBook, Input, Run
from bot.flow.steps import HALT, Question, Step
from bot.flow.steps.base import Choice

LANGUAGE_FLOW, MENU_FLOW, CANCEL_FLOW, REMINDER_FLOW = "taal", "menu", "afmelden", "herinnering"
# Dialogues worth coming back to after an interruption (a language change, a cancellation).
_NOT_RESUMED = {LANGUAGE_FLOW, MENU_FLOW, CANCEL_FLOW, REMINDER_FLOW}
GLOBAL_ACTIONS = ("help", "language", "stop", "menu", "cancel")
# Facts one dialogue leaves that must not steer the next (a cancellation starts afresh).
_PASSING_FACTS = ("appointment", "absence_kind")
# Safety net against a cycle of steps that never wait for input.
_MAX_STEPS_PER_TURN = 100
# The engine's own "Do you want to ...?" after a sentence it understood, named like a flow's
# question ('intent/cannot_come') so that WhatsApp can show its yes and no as buttons.
INTENT_QUESTIONS = "intent"
YES_NO = (Choice(id="yes", text=T.YES), Choice(id="no", text=T.NO))


def start(book: FlowBook, flow_id: str, facts: dict[str, Any], now: datetime) -> tuple[Run, list[Event]]:
    """Begin `flow_id` for a participant; `facts` holds what the bot knows (language, consent...)."""
    run = Run(flow_id=flow_id, step_id=None, language=facts.get("language"), updated_at=now, facts=dict(facts))
    turn = Turn(book, run)
    turn.enter_flow(flow_id)
    return turn.finish(now)


def begin(book: FlowBook, facts: dict[str, Any], first: Input, now: datetime) -> tuple[Run, list[Event]]:
    """A message from someone with no dialogue going on: the entry flow, or a global word."""
    run = Run(flow_id=book.entry, step_id=None, language=facts.get("language"), updated_at=now, facts=dict(facts))
    turn = Turn(book, run)
    turn.take(first)
    return turn.finish(now)


def interrupt(
    book: FlowBook, run: Run | None, flow_id: str, facts: dict[str, Any], now: datetime
) -> tuple[Run, list[Event]]:
    """The bot starts a dialogue itself (a reminder); what was going on resumes after it."""
    if run is None or run.ended or now - run.updated_at > book.session_timeout:
        return start(book, flow_id, facts, now)
    turn = Turn(book, _copy(run))
    if turn.run.flow_id != flow_id:  # a newer reminder replaces an unanswered one
        turn.push_frame()
    turn.run.facts.update(facts)
    turn.enter_flow(flow_id)
    return turn.finish(now)


def resume(book: FlowBook, run: Run, answer: Input, now: datetime) -> tuple[Run, list[Event]]:
    """Feed one inbound message to the step that waits for it."""
    turn = Turn(book, _copy(run))
    if run.ended:
        turn.enter_flow(book.entry)
    elif now - run.updated_at > book.session_timeout:
        turn.expire()
    else:
        turn.take(answer)
    return turn.finish(now)


def question_key(flow_id: str, step_id: str) -> str:
    return f"{flow_id}/{step_id}"


def own_questions() -> dict[str, tuple[str, tuple[Choice, ...]]]:
    """The questions the engine asks itself, outside any flow: key -> (text key, choices)."""
    asked = (i for i in intents.INTENTS if i not in intents.UNASKED)
    return {question_key(INTENT_QUESTIONS, i): (intents.confirm_key(i), YES_NO) for i in asked}


def _copy(run: Run) -> Run:
    return replace(
        run,
        answers=dict(run.answers),
        facts=dict(run.facts),
        stack=[dict(frame) for frame in run.stack],
    )


def global_action(book: FlowBook, answer: Input) -> str | None:
    """The word that works everywhere ("help", "stop", ...) that `answer` is, if any."""
    return _global_action(book, answer)


def reaches_bot(book: FlowBook, given: Input) -> bool:
    """Whether the words are for the bot even while a person is talking with them: all that
    works everywhere, said as a word or a sentence, except asking for a person and thanks."""
    said = _global_action(book, given) or intents.recognise(given.text, book.intent_phrases)
    return said not in (None, "help", "thanks")


def waits_for_choice(book: FlowBook, run: Run | None, now: datetime) -> bool:
    """Whether the dialogue waits for a pick of numbered choices (a voice note then gets them again)."""
    if run is None or run.ended or run.intent or run.phase or now - run.updated_at > book.session_timeout:
        return False
    step = book.flows[run.flow_id].steps.get(run.step_id) if run.flow_id in book.flows else None
    return step is not None and step.waits and bool(step.options(Turn(book, run)))


def _lead_for_miss(given: Input, has_options: bool) -> str:
    """What precedes the question asked again: a voice note where choices are asked, other media, or words."""
    if given.media_count and not given.text.strip():
        return T.VOICE_AT_CHOICE if given.voice and has_options else T.MEDIA_NOT_SUPPORTED
    return T.NOT_UNDERSTOOD


def _global_action(book: FlowBook, answer: Input) -> str | None:
    word = normalize(answer.text)
    return next((a for a in GLOBAL_ACTIONS if word and word in book.global_words.get(a, ())), None)


class Turn:
    """One turn: the run being changed and the events it produced. Steps act through it."""

    def __init__(self, book: FlowBook, run: Run):
        self.book, self.run = book, run
        self.events: list[Event] = []

    def finish(self, now: datetime) -> tuple[Run, list[Event]]:
        self.run.updated_at = now
        return self.run, self.events

    @property
    def flow(self) -> Flow:
        return self.book.flows[self.run.flow_id]

    @property
    def step(self) -> Step:
        return self.flow.steps[self.run.step_id]

    def take(self, given: Input) -> None:
        """An inbound message: a word that works everywhere, the answer to "Do you mean...?",
        a sentence with an intent, or the answer to the waiting question (else the entry flow)."""
        if (action := _global_action(self.book, given)) and not self.understands(given):
            self.global_word(action)
        elif self.run.intent:
            self.answered_intent(given)
        elif self.may_mean_more(given) and (intent := intents.recognise(given.text, self.book.intent_phrases)):
            self.heard_intent(intent)
        elif self.waiting:
            self.step.answer(self, given)
        else:
            self.enter_flow(self.book.entry)

    def may_mean_more(self, given: Input) -> bool:
        """Whether a sentence may say more than the answer to the waiting question: not to a choice it
        names, not in the middle of a sub-question, and not before the person's language is known (a
        new number first gets the language and the consent)."""
        return bool(self.run.language) and not self.run.phase and not self.understands(given)

    # --- sentences understood (bot/flow/intents.py) -------------------------------------------

    def heard_intent(self, intent: str) -> None:
        """Act on what was understood, or first ask whether it was understood right."""
        if intent in intents.UNASKED:
            return self.act_on(intent)
        self.run.intent = intent
        return self.ask_yes_no(TextRef(intents.confirm_key(intent)), question_key(INTENT_QUESTIONS, intent))

    def answered_intent(self, given: Input) -> None:
        """The answer to "Do you want to ...?": yes acts, no goes back, anything else is a new message."""
        intent, self.run.intent = self.run.intent, None
        chosen = self.yes_or_no(given, question_key(INTENT_QUESTIONS, intent))
        if chosen == "yes":
            return self.act_on(intent)
        if chosen == "no":
            return self.reprompt_or_say(TextRef(intents.DECLINED))
        return self.take(given)

    def act_on(self, intent: str) -> None:
        actions = {
            "cannot_come": lambda: self.cancel(kind="cancel"),
            "late": lambda: self.cancel(kind="late"),
            "help": self.ask_for_person,
            "stop": self.stop,
            "language": self.change_language,
            "next_appointment": lambda: self.reprompt_or_say(intents.next_appointment(self.run.facts)),
            "thanks": lambda: self.reprompt_or_say(TextRef(intents.THANKS_REPLY)),
        }
        actions[intent]()

    # --- moving through steps -------------------------------------------------------------

    def enter_flow(self, flow_id: str) -> None:
        self.run.flow_id, self.run.answers, self.run.return_to, self.run.phase = flow_id, {}, None, None
        self.run_from(self.book.flows[flow_id].start)

    def run_from(self, step_id: str | None) -> None:
        for _ in range(_MAX_STEPS_PER_TURN):
            if step_id is None:
                return self.end_flow(completed=True)
            step = self.flow.steps[step_id]
            if not step.waits:
                self.run.step_id = step.id
            step_id = step.act(self)
            if step_id is HALT:
                return None
        raise RuntimeError(f"flow {self.run.flow_id!r} ran {_MAX_STEPS_PER_TURN} steps without waiting")

    def ask(self, step: Question) -> Any:
        """Send a question and wait for its answer."""
        if step.id != self.run.step_id:
            self.run.misses = 0
        self.run.step_id, self.run.phase = step.id, None
        self.send(step.prompt(self, []))
        return HALT

    def end_flow(self, completed: bool) -> None:
        self.events.append(self.flow_ended(completed))
        if completed and self.run.stack:
            frame = self.run.stack.pop()
            self.run.flow_id, self.run.answers = frame["flow_id"], dict(frame["answers"])
            self.run.return_to = frame.get("return_to")
            self.run.step_id = None  # so re-entering keeps no stale miss count
            return self.run_from(frame["step_id"])
        self.run.step_id, self.run.stack, self.run.return_to, self.run.phase = None, [], None, None

    def flow_ended(self, completed: bool) -> FlowEnded:
        flow, answers = self.flow, self.run.answers
        outputs = {
            step.output(): answers[step.id] for step in flow.steps.values() if step.output() and step.id in answers
        }
        return FlowEnded(flow.id, dict(answers), completed, dict(self.run.facts), flow.produces, outputs)

    def go(self, next_id: str | None) -> None:
        """Move on after an answer; a correction from the summary returns to it."""
        target = self.run.return_to
        if target and (next_id is None or next_id == target or next_id in self.run.answers):
            self.run.return_to = None
            return self.run_from(target)
        return self.run_from(next_id)

    # --- what the participant sees ---------------------------------------------------------

    def languages(self) -> tuple[str, ...]:
        return (self.run.language,) if self.run.language else self.flow.fallback_languages

    def say(self, key: str, step: Step | None = None) -> None:
        self.send(SendMessage((self.text(key, step),), self.languages(), media=self.media(step)))

    def media(self, step: Step | None) -> tuple[str, ...]:
        params, media = getattr(step, "params", None), getattr(step, "media", None)
        link = self.run.facts.get(params, {}).get(media) if params and media else None
        return (link,) if link else ()

    def text(self, key: str, step: Step | None = None) -> TextRef:
        """A step's text, its {placeholders} filled from the fact the step names."""
        params = getattr(step, "params", None)
        return TextRef(key, params=dict(self.run.facts.get(params, {}) if params else {}))

    def send(self, message: SendMessage) -> None:
        self.events.append(message)

    # --- answers --------------------------------------------------------------------------

    def accept(self, step: Question, value: Any, next_id: str | None) -> None:
        self.run.misses = 0
        self.run.answers[step.id] = value
        self.go(next_id)

    def choose_language(self, step: Question, code: str) -> None:
        self.run.misses = 0
        self.events.append(LanguageChosen(code))
        self.run.language = self.run.facts["language"] = code
        self.run.answers[step.id] = code
        self.go(step.next)

    def miss(self, step: Question, given: Input) -> None:
        self.run.misses += 1
        options = step.options(self)
        lead = _lead_for_miss(given, bool(options))
        if self.run.misses == 2:
            self.events.append(Escalate("not_understood", self.run.flow_id, step.id))
            lead = T.PERSON_WILL_HELP
        options = options if lead == T.NOT_UNDERSTOOD else []
        what_to_send = [TextRef(T.SEND_A_NUMBER, params={"max": str(len(options))})] if options else []
        self.send(step.prompt(self, [TextRef(lead), *what_to_send]))

    def ask_yes_no(self, question: TextRef, asks: str | None = None) -> None:
        """A question of the engine's own ("Do you want to ...?"), answered 1 yes / 2 no; `asks`
        names it where it may go as buttons (own_questions)."""
        options = (Option(1, TextRef(T.YES)), Option(2, TextRef(T.NO)))
        self.send(SendMessage((question,), self.languages(), options, asks=asks))

    def yes_or_no(self, given: Input, asked: str | None = None) -> str | None:
        """'yes' or 'no' if the answer is one (a number, a word in any language, the button of
        question `asked`), else None."""
        payload = payload_for(asked, given.button_payload) if asked else given.button_payload
        return match_choice(given.text, payload, self.book.yes_no_words)

    def understands(self, given: Input) -> bool:
        """Whether an answer names one of the waiting question's choices (which then wins)."""
        choosing = self.waiting and self.step.choice_words_win and not self.run.phase
        return choosing and self.match(self.step.id, given) is not None

    def match(self, step_id: str, given: Input) -> str | None:
        payload = payload_for(self.question_key(step_id), given.button_payload)
        return match_choice(given.text, payload, self.words(step_id))

    def question_key(self, step_id: str) -> str:
        """The question across all flows, as buttons name it in their payloads."""
        return question_key(self.run.flow_id, step_id)

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
        return self.run.step_id is not None

    def reprompt_or_say(self, lead: str | TextRef) -> None:
        """Say `lead`, then ask the waiting question again so the dialogue goes on."""
        ref = lead if isinstance(lead, TextRef) else TextRef(lead)
        if self.waiting:
            return self.send(self.step.prompt(self, [ref]))
        return self.send(SendMessage((ref,), self.languages()))

    def ask_for_person(self) -> None:
        self.events.append(Escalate("asked_for_person", self.run.flow_id, self.run.step_id))
        self.reprompt_or_say(T.HELP_REPLY)

    def change_language(self) -> None:
        if self.run.flow_id == LANGUAGE_FLOW:
            return self.send(self.step.prompt(self, []))
        self.push_frame()
        self.enter_flow(LANGUAGE_FLOW)

    def push_frame(self) -> None:
        """Remember the waiting question, to come back to it when the next flow ends."""
        if self.waiting:
            frame = {
                "flow_id": self.run.flow_id,
                "step_id": self.run.step_id,
                "answers": dict(self.run.answers),
                "return_to": self.run.return_to,
            }
            self.run.stack.append(frame)

    def stop(self) -> None:
        self.leave_everything()
        self.events.append(Stopped())
        self.say(T.STOP_REPLY)
        self.run.step_id = None

    def open_menu(self) -> None:
        self.leave_everything()
        self.enter_flow(MENU_FLOW)

    def cancel(self, kind: str | None = None) -> None:
        """Start cancelling, or saying you will be late (`kind` 'cancel' or 'late' skips asking which)."""
        if CANCEL_FLOW not in self.book.flows:
            return self.reprompt_or_say(T.CANCEL_NOT_YET)
        if self.run.flow_id in _NOT_RESUMED:
            self.leave_everything()
        else:
            self.push_frame()
        for fact in _PASSING_FACTS:
            self.run.facts.pop(fact, None)
        if kind:
            self.run.facts["absence_kind"] = kind
        self.enter_flow(CANCEL_FLOW)

    def leave_everything(self) -> None:
        self.events.append(self.flow_ended(completed=False))
        self.run.stack = []

    def expire(self) -> None:
        self.say(T.SESSION_EXPIRED)
        self.events.append(self.flow_ended(completed=False))
        self.run.stack, self.run.step_id, self.run.intent = [], None, None
        self.enter_flow(self.book.entry)
