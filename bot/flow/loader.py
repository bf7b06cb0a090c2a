"""Read flow files from flows/ and refuse a broken one with the path to the problem."""

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import yaml
from babel import Locale, UnknownLocaleError

from bot.flow import texts as T
from bot.flow.engine import GLOBAL_ACTIONS, LANGUAGE_FLOW, MENU_FLOW
from bot.flow.matching import normalize
from bot.flow.model import QUESTION_TYPES, SIGNALS, STEP_TYPES, Choice, ChoiceWords, Flow, FlowBook, Rule, Step

_STEP_FIELDS = frozenset(
    "id type text label next choices languages optional translate rules otherwise fields flow signal"
    " on_yes on_no on_another on_none params media".split()
)
# Every step but these must say where to go next.
_NO_NEXT = {"end", "start_flow", "branch", "choose_language", "confirm_language", "choose_appointment"}
_NEEDS_TEXT = {"message", "escalate", *QUESTION_TYPES}


class TextCatalogs(Protocol):
    languages: tuple[str, ...]

    def has(self, language: str, key: str) -> bool: ...

    def text(self, language: str, key: str) -> str: ...


class FlowError(ValueError):
    """A flow file that cannot be run; the message names file, step and problem."""


def load_book(
    directory: Path, catalogs: TextCatalogs, entry: str = "welkom", session_timeout: timedelta = timedelta(days=7)
) -> FlowBook:
    """Every flow in `directory`, checked against each other and the catalogs."""
    flows = load_flows(directory, catalogs)
    for required in (entry, LANGUAGE_FLOW, MENU_FLOW):
        if required not in flows:
            raise FlowError(f"{directory}: flow '{required}' is missing")
    for flow in flows.values():
        for step in flow.steps.values():
            if step.type == "start_flow" and step.flow not in flows:
                raise FlowError(f"{flow.source}: step '{step.id}': flow '{step.flow}' does not exist")
    _check_texts(str(directory), (*T.ENGINE_TEXTS, *(T.global_words_key(a) for a in GLOBAL_ACTIONS)), catalogs)
    return FlowBook(
        flows=flows,
        entry=entry,
        session_timeout=session_timeout,
        global_words={a: _words_everywhere(catalogs, T.global_words_key(a)) for a in GLOBAL_ACTIONS},
        skip_words=_words_everywhere(catalogs, T.SKIP_WORDS),
    )


def load_flows(directory: Path, catalogs: TextCatalogs) -> dict[str, Flow]:
    flows: dict[str, Flow] = {}
    for path in sorted(directory.glob("*.yaml")):
        flow = load_flow(path, catalogs)
        if flow.id in flows:
            raise FlowError(f"{path}: flow id '{flow.id}' is also used by {flows[flow.id].source}")
        flows[flow.id] = flow
    return flows


def load_flow(path: Path, catalogs: TextCatalogs) -> Flow:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FlowError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise FlowError(f"{path}: expected a mapping with 'id', 'start' and 'steps'")
    flow = Flow(
        id=_required_str(path, data, "id"),
        start=_required_str(path, data, "start"),
        steps=_parse_steps(path, data.get("steps")),
        source=path,
        fallback_languages=tuple(data.get("fallback_languages") or ("nl",)),
    )
    _check(flow, catalogs)
    return Flow(flow.id, flow.start, flow.steps, flow.source, flow.fallback_languages, _choice_words(flow, catalogs))


def _required_str(path: Path, data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise FlowError(f"{path}: '{key}' is missing or not text")
    return value


def _parse_steps(path: Path, raw: Any) -> dict[str, Step]:
    if not isinstance(raw, list) or not raw:
        raise FlowError(f"{path}: 'steps' must be a non-empty list")
    steps: dict[str, Step] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise FlowError(f"{path}: step {index + 1}: every step needs an 'id'")
        where = f"{path}: step '{item['id']}'"
        if item["id"] in steps:
            raise FlowError(f"{where}: duplicate step id")
        unknown = set(item) - _STEP_FIELDS
        if unknown:
            raise FlowError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        if item.get("type") not in STEP_TYPES:
            raise FlowError(f"{where}: type must be one of {', '.join(sorted(STEP_TYPES))}")
        steps[item["id"]] = _step(where, item)
    return steps


def _step(where: str, item: dict) -> Step:
    return Step(
        id=item["id"],
        type=item["type"],
        text=item.get("text"),
        label=item.get("label"),
        next=item.get("next"),
        choices=_parse_choices(where, item),
        languages=tuple(item.get("languages") or ()),
        optional=bool(item.get("optional", False)),
        translate=bool(item.get("translate", True)),
        rules=_parse_rules(where, item.get("rules") or []),
        otherwise=item.get("otherwise"),
        fields=tuple(item.get("fields") or ()),
        flow=item.get("flow"),
        signal=item.get("signal"),
        no=item.get("on_another") or item.get("on_none"),
        params=item.get("params"),
        media=item.get("media"),
    )


def _parse_choices(where: str, item: dict) -> tuple[Choice, ...]:
    if item["type"] == "yes_no":
        return (Choice("yes", T.YES, item.get("on_yes")), Choice("no", T.NO, item.get("on_no")))
    choices: list[Choice] = []
    for raw in item.get("choices") or []:
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("text"):
            raise FlowError(f"{where}: every choice needs an 'id' and a 'text'")
        if any(c.id == raw["id"] for c in choices):
            raise FlowError(f"{where}: duplicate choice id '{raw['id']}'")
        choices.append(Choice(str(raw["id"]), raw["text"], raw.get("next")))
    return tuple(choices)


def _parse_rules(where: str, raw: list) -> tuple[Rule, ...]:
    rules = []
    for rule in raw:
        sources = [s for s in ("answer", "fact") if s in (rule or {})]
        if len(sources) != 1 or not rule.get("next"):
            raise FlowError(f"{where}: a rule needs one of 'answer' or 'fact', and a 'next'")
        values = rule.get("in", [])
        rules.append(
            Rule(sources[0], rule[sources[0]], tuple(values if isinstance(values, list) else [values]), rule["next"])
        )
    return tuple(rules)


def _check(flow: Flow, catalogs: TextCatalogs) -> None:
    path = flow.source
    if flow.start not in flow.steps:
        raise FlowError(f"{path}: start '{flow.start}' is not a step")
    _check_languages(f"{path}: fallback_languages", flow.fallback_languages, catalogs)
    for step in flow.steps.values():
        _check_step(flow, step, catalogs)
    unreachable = sorted(set(flow.steps) - _reachable(flow))
    if unreachable:
        raise FlowError(f"{path}: step '{unreachable[0]}' is unreachable from start '{flow.start}'")


def _check_step(flow: Flow, step: Step, catalogs: TextCatalogs) -> None:
    where = f"{flow.source}: step '{step.id}'"
    problem = _step_problem(flow, step)
    if problem:
        raise FlowError(f"{where}: {problem}")
    for target in step.targets():
        if target not in flow.steps:
            raise FlowError(f"{where}: next '{target}' is not a step")
    if step.type in ("choose_language",):
        _check_languages(where, step.languages, catalogs)
    keys = [k for k in (step.text, step.label, *(c.text for c in step.choices)) if k]
    _check_texts(where, keys, catalogs)


def _step_problem(flow: Flow, step: Step) -> str | None:
    """What is wrong with one step on its own, or None."""
    if step.type in _NEEDS_TEXT and not step.text:
        return f"a {step.type} step needs a 'text'"
    if step.type not in _NO_NEXT and not step.next:
        unrouted = [c.id for c in step.choices if not c.next]
        if not step.choices or unrouted:
            return f"choice '{unrouted[0]}' has no next" if step.choices else "'next' is missing"
    if step.type in ("choice", "multi_choice") and not step.choices:
        return f"a {step.type} step needs 'choices'"
    if step.type == "choose_language" and not (step.languages and step.next):
        return "a choose_language step needs 'languages' and 'next'"
    if step.type == "confirm_language" and not (step.next and step.no):
        return "a confirm_language step needs 'next' and 'on_another'"
    if step.type == "choose_appointment" and not (step.next and step.no):
        return "a choose_appointment step needs 'next' and 'on_none'"
    if step.type == "branch" and not (step.rules and step.otherwise):
        return "a branch step needs 'rules' and 'otherwise'"
    if step.type == "signal" and step.signal not in SIGNALS:
        return f"signal must be one of {', '.join(sorted(SIGNALS))}"
    if step.type == "start_flow" and not step.flow:
        return "a start_flow step needs 'flow'"
    if step.type == "summary":
        return _summary_problem(flow, step)
    return None


def _summary_problem(flow: Flow, step: Step) -> str | None:
    if not step.fields:
        return "a summary step needs 'fields'"
    for field in step.fields:
        shown = flow.steps.get(field)
        if shown is None or shown.type not in QUESTION_TYPES - {"summary"}:
            return f"field '{field}' is not a question step"
        if not shown.label:
            return f"field '{field}' has no 'label' to show"
    return None


def _check_languages(where: str, codes: Iterable[str], catalogs: TextCatalogs) -> None:
    for code in codes:
        if code not in catalogs.languages:
            raise FlowError(f"{where}: unknown language code '{code}'")


def _check_texts(where: str, keys: Iterable[str], catalogs: TextCatalogs) -> None:
    for key in keys:
        missing = [lang for lang in catalogs.languages if not catalogs.has(lang, key)]
        if missing:
            raise FlowError(f"{where}: text '{key}' is missing in {', '.join(missing)}")


def _reachable(flow: Flow) -> set[str]:
    seen: set[str] = set()
    todo = [flow.start]
    while todo:
        step_id = todo.pop()
        if step_id not in seen:
            seen.add(step_id)
            todo.extend(t for t in flow.steps[step_id].targets() if t in flow.steps)
    return seen


# --- the words that pick a choice -------------------------------------------------------------


def _choice_words(flow: Flow, catalogs: TextCatalogs) -> dict[str, ChoiceWords]:
    """step id -> choice id -> (number, normalised words in every language), for every question."""
    words: dict[str, ChoiceWords] = {}
    for step in flow.steps.values():
        labelled = _labelled_choices(flow, step)
        if labelled:
            words[step.id] = _numbered_words([(cid, _words(catalogs, key)) for cid, key in labelled])
        if step.type == "choose_language":
            words[step.id] = _numbered_words([(code, _language_names(code, catalogs)) for code in step.languages])
        if step.type == "summary":
            fields = [(f, _words(catalogs, flow.steps[f].label)) for f in step.fields]
            words[f"{step.id}#fields"] = _numbered_words(fields)
    return words


def _numbered_words(choices: list[tuple[str, set[str]]]) -> ChoiceWords:
    """Number the choices; a word that names two of them (in two languages) picks neither."""
    count = Counter(word for _, words in choices for word in words)
    return {cid: (n, frozenset(w for w in words if count[w] == 1)) for n, (cid, words) in enumerate(choices, 1)}


def _labelled_choices(flow: Flow, step: Step) -> list[tuple[str, str]]:
    if step.type == "confirm_language":
        return [("yes", T.YES), ("another", T.ANOTHER_LANGUAGE)]
    if step.type == "summary":
        return [("yes", T.SUMMARY_YES), ("change", T.SUMMARY_CHANGE)]
    return [(c.id, c.text) for c in step.choices]


def _words(catalogs: TextCatalogs, key: str) -> set[str]:
    """A choice's label in every language, and the extra words the catalogs list for it ('a|b|c')."""
    texts = [catalogs.text(language, key) for language in catalogs.languages]
    extra = T.extra_words_key(key)
    texts += [
        word
        for lang in catalogs.languages
        if catalogs.has(lang, extra)
        for word in catalogs.text(lang, extra).split("|")
    ]
    return {n for n in map(normalize, texts) if n}


def _words_everywhere(catalogs: TextCatalogs, key: str) -> frozenset[str]:
    return frozenset(
        word for lang in catalogs.languages for word in map(normalize, catalogs.text(lang, key).split("|")) if word
    )


def _language_names(code: str, catalogs: TextCatalogs) -> set[str]:
    """Every way to name a language: its code, its own name(s), CLDR names in our languages."""
    self_name = catalogs.text(code, T.LANGUAGE_SELF_NAME)
    names = {code, self_name, *self_name.split("/")}
    for reader in {*catalogs.languages, "en"}:
        try:
            known = Locale.parse(reader).languages
        except (UnknownLocaleError, ValueError):
            continue
        # Regional names count too: 'fa_AF' is Dari, 'nl_BE' Flemish.
        names.update(name for key, name in known.items() if key == code or key.startswith(f"{code}_"))
    return {normalize(name) for name in names if normalize(name)}
