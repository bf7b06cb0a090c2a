"""A question's choices as WhatsApp buttons or a list: what each Twilio Content resource holds.

Inside the 24-hour window a question with up to 3 choices goes as quick-reply buttons, one with
up to 10 as a list (Twilio's documented limits: 3 buttons in a session message, 10 list items;
a button's title at most 20 characters, a list item's 24, hence the catalogs' short labels).
The body is the numbered text exactly as the engine writes it, with the text's values as
{{1}}, {{2}}, ...: SMS, old phones, the console and the twilio/text fallback read the same.
A question whose text a WhatsApp template carries also gets a quick-reply of up to 10 buttons
that WhatsApp may approve as that template. Each resource is one question, language, kind and
version (a hash of all it shows), made by `bot whatsapp sync` (bot/whatsapp_sync.py).
"""

import hashlib
import json
import string
from dataclasses import dataclass

from bot.flow.engine import own_questions, question_key
from bot.flow.events import TextRef
from bot.flow.matching import scoped_payload
from bot.flow.model import FlowBook
from bot.flow.steps.choice import ChoiceStep
from bot.flow.steps.choose_language import ChooseLanguageStep
from bot.flow.steps.yes_no import YesNoStep
from bot.flow.texts import LANGUAGE_SELF_NAME
from bot.i18n import Catalogs, filled_params, to_native_digits
from bot.templates import Template, Templates

SESSION, TEMPLATE = "session", "template"
# WhatsApp's approval status of a template that may be sent.
APPROVED = "approved"
QUICK_REPLY, LIST_PICKER, TEXT = "twilio/quick-reply", "twilio/list-picker", "twilio/text"
SESSION_BUTTONS = 3
TEMPLATE_BUTTONS = 10
LIST_ITEMS = 10
BUTTON_TITLE_CHARS = 20
LIST_ITEM_CHARS = 24
# The list's own button ("Choose"), a text of every catalog.
LIST_BUTTON_KEY = "buttons.list_button"
# A label too long for a button has a short form beside it in the catalogs: '<label key>.short'.
SHORT_SUFFIX = ".short"
# A sample moment for a template's {when}, which WhatsApp's reviewers want to see filled in.
_SAMPLE_WHEN = "2026-12-01T09:30:00+01:00"


class LabelTooLong(ValueError):
    """A choice's title does not fit a button or list item: the catalog needs a short form."""

    def __init__(self, question: str, language: str, key: str, limit: int):
        super().__init__(f"{question} ({language}): '{key}' is longer than {limit} characters")
        self.question, self.language, self.key, self.limit = question, language, key, limit


@dataclass(frozen=True)
class ContentSpec:
    """One Content resource: a question's choices in one language, as buttons or a list."""

    question: str
    language: str
    kind: str
    content_type: str
    body: str  # the numbered text, the values as {{1}}, {{2}}, ...
    variables: tuple[str, ...]  # the placeholder names behind {{1}}, {{2}}, ...
    choices: tuple[tuple[str, str], ...]  # (payload, title) per choice
    list_button: str | None = None
    template: str | None = None

    @property
    def version(self) -> str:
        shown = [self.content_type, self.body, self.variables, self.choices, self.list_button]
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:16]

    @property
    def friendly_name(self) -> str:
        flow, step = self.question.split("/")
        return f"welkom_{flow}_{step}_{self.language}_{self.kind}_{self.version[:8]}"

    def types(self) -> dict[str, dict]:
        """The Content API's `types`: the buttons or list, and the plain text where they cannot go."""
        if self.content_type == LIST_PICKER:
            items = [{"id": payload, "item": title} for payload, title in self.choices]
            rich = {"body": self.body, "button": self.list_button, "items": items}
        else:
            actions = [{"type": "QUICK_REPLY", "title": title, "id": payload} for payload, title in self.choices]
            rich = {"body": self.body, "actions": actions}
        return {self.content_type: rich, TEXT: {"body": self.body}}

    def values(self, params: dict[str, str]) -> dict[str, str] | None:
        """ContentVariables for a message whose text was filled from `params`; None if one is missing."""
        filled = filled_params({k: str(v) for k, v in params.items()}, self.language)
        values = {str(n): filled.get(name, "") for n, name in enumerate(self.variables, start=1)}
        return values if all(values.values()) else None

    def fill(self, values: dict[str, str]) -> str:
        """The body as the person reads it with these ContentVariables."""
        body = self.body
        for n, value in values.items():
            body = body.replace(f"{{{{{n}}}}}", value)
        return body


@dataclass(frozen=True)
class Asked:
    """What a question shows: its text, hints and choices (a flow's step, or the engine's own)."""

    text: str
    hints: tuple[str, ...]  # text keys
    choices: tuple[tuple[str, TextRef], ...]  # (choice id, its label)


def asked_by(step: object) -> Asked | None:
    """One pick from fixed choices (not several, not a list made at run time) fits buttons or a list."""
    if isinstance(step, ChoiceStep | YesNoStep):
        choices = tuple((c.id, TextRef(c.text)) for c in step.picks())
        asked = Asked(step.text, tuple(h.key for h in step.hints()), choices)
    elif isinstance(step, ChooseLanguageStep):
        # Each language in its own name, as the numbered menu shows it.
        choices = tuple((code, TextRef(LANGUAGE_SELF_NAME, language=code)) for code in step.languages)
        asked = Asked(step.text, (), choices)
    else:
        return None
    return asked if len(asked.choices) <= LIST_ITEMS else None


def has_buttons(step: object) -> bool:
    return asked_by(step) is not None


def questions(book: FlowBook) -> dict[str, Asked]:
    """Every question that may go as buttons: the flows' and the engine's own ("Do you want to ...?")."""
    found = {
        question_key(flow.id, step.id): asked
        for flow in book.flows.values()
        for step in flow.steps.values()
        if (asked := asked_by(step)) is not None
    }
    return {**found, **{key: _own_asked(key) for key in own_questions()}}


def specs(book: FlowBook, catalogs: Catalogs, templates: Templates) -> tuple[list[ContentSpec], list[LabelTooLong]]:
    """Every Content resource the flows need, in every language; and the labels too long to make one."""
    made: list[ContentSpec] = []
    problems: list[LabelTooLong] = []
    for question, asked in questions(book).items():
        template = templates.for_text(asked.text)
        for language in catalogs.languages:
            try:
                made.append(session_spec(catalogs, question, asked, language))
                if template is not None and len(asked.choices) <= TEMPLATE_BUTTONS:
                    made.append(template_spec(catalogs, question, asked, language, template))
            except LabelTooLong as problem:
                problems.append(problem)
    return made, problems


def session_spec_for(book: FlowBook, catalogs: Catalogs, question: str, language: str) -> ContentSpec | None:
    """The session resource a message asking `question` would go as, if the question has one."""
    return _spec_for(book, catalogs, question, language, None)


def template_spec_for(
    book: FlowBook, catalogs: Catalogs, templates: Templates, question: str, language: str
) -> ContentSpec | None:
    """The resource that may go as a template outside the window, if the question's text is a template's."""
    asked = _asked(book, question)
    template = templates.for_text(asked.text) if asked is not None else None
    if template is None or len(asked.choices) > TEMPLATE_BUTTONS:
        return None
    return _spec_for(book, catalogs, question, language, template)


def _spec_for(
    book: FlowBook, catalogs: Catalogs, question: str, language: str, template: Template | None
) -> ContentSpec | None:
    asked = _asked(book, question)
    if asked is None or language not in catalogs.languages:
        return None
    try:
        if template is None:
            return session_spec(catalogs, question, asked, language)
        return template_spec(catalogs, question, asked, language, template)
    except LabelTooLong:
        return None


def _asked(book: FlowBook, question: str) -> Asked | None:
    if question in own_questions():
        return _own_asked(question)
    flow_id, _, step_id = question.partition("/")
    return asked_by(book.flows[flow_id].steps.get(step_id)) if flow_id in book.flows else None


def _own_asked(question: str) -> Asked:
    text, picks = own_questions()[question]
    return Asked(text, (), tuple((c.id, TextRef(c.text)) for c in picks))


def session_spec(catalogs: Catalogs, question: str, asked: Asked, language: str) -> ContentSpec:
    buttons = len(asked.choices) <= SESSION_BUTTONS
    limit = BUTTON_TITLE_CHARS if buttons else LIST_ITEM_CHARS
    raw = catalogs.text(language, asked.text)
    names = tuple(dict.fromkeys(name for _, name, _, _ in string.Formatter().parse(raw) if name))
    return ContentSpec(
        question=question,
        language=language,
        kind=SESSION,
        content_type=QUICK_REPLY if buttons else LIST_PICKER,
        body=_body(catalogs, asked, language, names),
        variables=names,
        choices=_choices(catalogs, question, asked, language, limit),
        list_button=None if buttons else catalogs.text(language, LIST_BUTTON_KEY),
    )


def template_spec(catalogs: Catalogs, question: str, asked: Asked, language: str, template: Template) -> ContentSpec:
    """The same question as a template WhatsApp may approve: buttons only (lists cannot be templates)."""
    return ContentSpec(
        question=question,
        language=language,
        kind=TEMPLATE,
        content_type=QUICK_REPLY,
        body=_body(catalogs, asked, language, template.variables),
        variables=template.variables,
        choices=_choices(catalogs, question, asked, language, BUTTON_TITLE_CHARS),
        template=template.name,
    )


def label(catalogs: Catalogs, language: str, key: str) -> str:
    """A choice's title on a button or list item: its short form where the catalog has one."""
    short = f"{key}{SHORT_SUFFIX}"
    return catalogs.text(language, short if catalogs.has(language, short) else key)


def samples(spec: ContentSpec, sample_texts: Catalogs) -> dict[str, str]:
    """Example values for WhatsApp's reviewers (and defaults), from the operators' catalog
    ('whatsapp.sample.<name>'), else the placeholder's name: only templates are reviewed."""
    keys = {name: f"whatsapp.sample.{name}" for name in spec.variables if name != "when"}
    examples = {
        name: sample_texts.text("nl", key) if sample_texts.has("nl", key) else name for name, key in keys.items()
    }
    values = spec.values({**examples, "when": _SAMPLE_WHEN}) or {}
    return {n: value for n, value in values.items() if value}


def _body(catalogs: Catalogs, asked: Asked, language: str, names: tuple[str, ...]) -> str:
    """The text as `render` writes it for one reader, {name} as {{n}}, then the numbered options."""
    number = {name: n for n, name in enumerate(names, start=1)}
    raw = catalogs.text(language, asked.text)
    text = "".join(
        literal + (f"{{{{{number[name]}}}}}" if name else "") for literal, name, _, _ in string.Formatter().parse(raw)
    )
    hints = [catalogs.text(language, hint) for hint in asked.hints]
    options = [
        f"{to_native_digits(str(n), language)}. {catalogs.text(shown.language or language, shown.key)}"
        for n, (_, shown) in enumerate(asked.choices, start=1)
    ]
    return "\n".join([text, *hints]) + "\n\n" + "\n".join(options)


def _choices(catalogs: Catalogs, question: str, asked: Asked, language: str, limit: int) -> tuple[tuple[str, str], ...]:
    titles = []
    for choice_id, shown in asked.choices:
        title = label(catalogs, shown.language or language, shown.key)
        if len(title) > limit:
            raise LabelTooLong(question, language, shown.key, limit)
        titles.append((scoped_payload(question, choice_id), title))
    return tuple(titles)
