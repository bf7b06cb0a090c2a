"""Read flow files from flows/ and refuse a broken one with the path to the problem.

The shape of a file is checked by its pydantic models (bot/flow/spec.py, bot/flow/steps/);
this module turns their complaints into "file: step 'x': problem" and checks what a shape
cannot: targets exist, every step is reachable, every text is in every catalog, the
outputs match what the host reads, and the words that pick a choice are unambiguous.
"""

from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import yaml
from babel import Locale, UnknownLocaleError
from pydantic import ValidationError

from bot.flow import intents
from bot.flow import texts as T
from bot.flow.engine import GLOBAL_ACTIONS, LANGUAGE_FLOW, MENU_FLOW
from bot.flow.matching import normalize
from bot.flow.model import Flow, FlowBook
from bot.flow.outputs import PRODUCTS, Output
from bot.flow.spec import FlowFile, upgraded
from bot.flow.steps import STEP_TYPES, Question, StepBase
from bot.flow.steps.start_flow import StartFlowStep
from bot.flow.words import labelled_words


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
            if isinstance(step, StartFlowStep) and step.flow not in flows:
                raise FlowError(f"{flow.source}: step '{step.id}': flow '{step.flow}' does not exist")
    engine_texts = (*T.ENGINE_TEXTS, *(T.global_words_key(a) for a in GLOBAL_ACTIONS), *intents.text_keys())
    _check_texts(str(directory), engine_texts, catalogs)
    return FlowBook(
        flows=flows,
        entry=entry,
        session_timeout=session_timeout,
        global_words={a: _words_everywhere(catalogs, T.global_words_key(a)) for a in GLOBAL_ACTIONS},
        skip_words=_words_everywhere(catalogs, T.SKIP_WORDS),
        intent_phrases={
            i: intents.as_phrases([catalogs.text(lang, intents.phrases_key(i)) for lang in catalogs.languages])
            for i in intents.INTENTS
        },
        yes_no_words=labelled_words(_Vocabulary(catalogs), [("yes", T.YES), ("no", T.NO)]),
    )


def load_flows(directory: Path, catalogs: TextCatalogs) -> dict[str, Flow]:
    flows: dict[str, Flow] = {}
    for path in sorted(directory.glob("*.yaml")):
        flow = load_flow(path, catalogs)
        if flow.id in flows:
            raise FlowError(f"{path}: flow id '{flow.id}' is also used by {flows[flow.id].source}")
        other = next((f for f in flows.values() if flow.produces and f.produces == flow.produces), None)
        if other:
            raise FlowError(f"{path}: flow '{other.id}' already produces '{flow.produces}'")
        flows[flow.id] = flow
    return flows


def load_flow(path: Path, catalogs: TextCatalogs) -> Flow:
    spec = _parse(path)
    steps: dict[str, StepBase] = {}
    for step in spec.steps:
        if step.id in steps:
            raise FlowError(f"{path}: step '{step.id}': duplicate step id")
        steps[step.id] = step
    flow = Flow(spec.id, spec.start, steps, path, spec.fallback_languages, produces=spec.produces)
    _check(flow, catalogs)
    words = {key: w for step in steps.values() for key, w in step.words(flow, _Vocabulary(catalogs)).items()}
    return Flow(flow.id, flow.start, steps, path, flow.fallback_languages, words, flow.produces)


def _parse(path: Path) -> FlowFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FlowError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise FlowError(f"{path}: expected a mapping with 'spec_version', 'id', 'start' and 'steps'")
    try:
        return FlowFile.model_validate(upgraded(data))
    except ValueError as error:  # pydantic's ValidationError is one
        raise FlowError(f"{path}: {_problem(error, data.get('steps'))}") from error


# --- pydantic's complaints, said the way a flow author looks for them -------------------------


def _problem(error: ValueError, raw_steps: Any) -> str:
    if not isinstance(error, ValidationError):
        return str(error)
    errors = error.errors()
    first = errors[0]
    loc = first["loc"]
    if loc[0] != "steps" or len(loc) < 2:
        return f"unknown field '{loc[0]}'" if first["type"] == "extra_forbidden" else f"'{loc[0]}' {_said(first)}"
    index = int(loc[1])
    item = raw_steps[index]
    step_id = item.get("id") if isinstance(item, dict) else None
    if not isinstance(step_id, str):
        return f"step {index + 1}: every step needs an 'id'"
    where = f"step '{step_id}'"
    if len(loc) == 2:
        return f"{where}: type must be one of {', '.join(STEP_TYPES)}"
    unknown = [
        str(e["loc"][3])
        for e in errors
        if e["loc"][:3] == loc[:3] and len(e["loc"]) == 4 and e["type"] == "extra_forbidden"
    ]
    if unknown:
        return f"{where}: unknown field(s) {', '.join(sorted(unknown))}"
    return f"{where}: {_step_problem(STEP_TYPES[str(loc[2])], first)}"


_IN_A_LIST = {
    "choices": "every choice needs an 'id' and a 'text'",
    "rules": "a rule needs one of 'answer' or 'fact', and a 'next'",
}


def _step_problem(model: type[StepBase], error: dict[str, Any]) -> str:
    field = str(error["loc"][3]) if len(error["loc"]) > 3 else ""
    kind = model.model_fields["type"].annotation.__args__[0]
    if len(error["loc"]) > 4:  # in one of its choices, rules, languages...
        number = int(error["loc"][4]) + 1
        if error["type"] == "extra_forbidden":
            return f"{field} {number}: unknown field '{error['loc'][-1]}'"
        return _IN_A_LIST.get(field) or f"{field} {number}: {_said(error)}"
    if error["type"] in ("missing", "too_short"):
        if field == "text":
            return f"a {kind} step needs a 'text'"
        if model.needs and f"'{field}'" in model.needs:
            return f"a {kind} step needs {model.needs}"
        return f"'{field}' is missing"
    if error["type"] == "value_error":
        return _said(error)
    if error["type"] == "literal_error":
        return f"{field} must be one of {error['ctx']['expected']}"
    return f"{field}: {_said(error)}" if field else _said(error)


def _said(error: dict[str, Any]) -> str:
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    return error["msg"][0].lower() + error["msg"][1:]


# --- what a shape cannot say ------------------------------------------------------------------


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
    _check_outputs(flow)


def _check_step(flow: Flow, step: StepBase, catalogs: TextCatalogs) -> None:
    where = f"{flow.source}: step '{step.id}'"
    problem = step.problem(flow)
    if problem:
        raise FlowError(f"{where}: {problem}")
    for target in step.targets():
        if target not in flow.steps:
            raise FlowError(f"{where}: next '{target}' is not a step")
    _check_languages(where, step.language_codes(), catalogs)
    _check_texts(where, step.text_keys(), catalogs)


def _check_outputs(flow: Flow) -> None:
    """The outputs saved are exactly those the host reads of the flow's product, each as it reads it."""
    wanted = PRODUCTS.get(flow.produces or "", {})
    saved: dict[str, str] = {}
    for step in flow.steps.values():
        output = step.output()
        if output is None:
            continue
        where = f"{flow.source}: step '{step.id}': output '{output}'"
        if output not in wanted:
            product = f"product '{flow.produces}'" if flow.produces else "this flow (it has no 'produces')"
            raise FlowError(f"{where} is not one of {product}: {', '.join(sorted(wanted)) or 'none'}")
        if output in saved:
            raise FlowError(f"{where} is also saved by step '{saved[output]}'")
        problem = _output_problem(step, wanted[output])
        if problem:
            raise FlowError(f"{where} {problem}")
        saved[output] = step.id
    missing = sorted(set(wanted) - set(saved))
    if missing:
        raise FlowError(f"{flow.source}: output '{missing[0]}' of product '{flow.produces}' is saved by no step")


def _output_problem(step: Question, output: Output) -> str | None:
    if step.answer_kind != output.answer:
        return f"takes a {output.answer} answer, which a {step.type} step does not give"
    unknown = sorted(set(step.choice_ids()) - output.choices) if output.choices else []
    if unknown:
        return f"has no choice '{unknown[0]}' (only {', '.join(sorted(output.choices))})"
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


class _Vocabulary:
    """Normalised words in every catalog language (bot/flow/words.py's Vocabulary)."""

    def __init__(self, catalogs: TextCatalogs):
        self.catalogs = catalogs

    def of_text(self, key: str) -> set[str]:
        """A choice's label in every language, and the extra words the catalogs list for it ('a|b|c')."""
        catalogs = self.catalogs
        texts = [catalogs.text(language, key) for language in catalogs.languages]
        extra = T.extra_words_key(key)
        texts += [
            word
            for lang in catalogs.languages
            if catalogs.has(lang, extra)
            for word in catalogs.text(lang, extra).split("|")
        ]
        return {n for n in map(normalize, texts) if n}

    def of_language(self, code: str) -> set[str]:
        """Every way to name a language: its code, its own name(s), CLDR names in our languages."""
        self_name = self.catalogs.text(code, T.LANGUAGE_SELF_NAME)
        names = {code, self_name, *self_name.split("/")}
        for reader in {*self.catalogs.languages, "en"}:
            try:
                known = Locale.parse(reader).languages
            except (UnknownLocaleError, ValueError):
                continue
            # Regional names count too: 'fa_AF' is Dari, 'nl_BE' Flemish.
            names.update(name for key, name in known.items() if key == code or key.startswith(f"{code}_"))
        return {normalize(name) for name in names if normalize(name)}


def _words_everywhere(catalogs: TextCatalogs, key: str) -> frozenset[str]:
    return frozenset(
        word for lang in catalogs.languages for word in map(normalize, catalogs.text(lang, key).split("|")) if word
    )
