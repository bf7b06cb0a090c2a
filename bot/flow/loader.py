"""Read flow files from flows/ and refuse a broken one with the path to the problem."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import yaml
from babel import Locale, UnknownLocaleError

from bot.flow.engine import LANGUAGE_SELF_NAME, MEDIA_NOT_SUPPORTED, NOT_UNDERSTOOD
from bot.flow.matching import normalize
from bot.flow.model import Flow, Step

STEP_TYPES = {"message", "choose_language", "end"}
_STEP_FIELDS = {"id", "type", "text", "next", "languages", "if_language_known"}
# Texts the engine itself uses whatever the flow.
_ENGINE_TEXTS = (NOT_UNDERSTOOD, MEDIA_NOT_SUPPORTED, LANGUAGE_SELF_NAME)


class TextCatalogs(Protocol):
    languages: tuple[str, ...]

    def has(self, language: str, key: str) -> bool: ...

    def text(self, language: str, key: str) -> str: ...


class FlowError(ValueError):
    """A flow file that cannot be run; the message names file, step and problem."""


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
    steps = _parse_steps(path, data.get("steps"))
    flow = Flow(
        id=_required_str(path, data, "id"),
        start=_required_str(path, data, "start"),
        steps=steps,
        source=path,
        fallback_languages=tuple(data.get("fallback_languages") or ("nl",)),
    )
    _check(flow, catalogs)
    return _with_language_words(flow, catalogs)


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
        where = f"{path}: step {index + 1}"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise FlowError(f"{where}: every step needs an 'id'")
        where = f"{path}: step '{item['id']}'"
        if item["id"] in steps:
            raise FlowError(f"{where}: duplicate step id")
        unknown = set(item) - _STEP_FIELDS
        if unknown:
            raise FlowError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        if item.get("type") not in STEP_TYPES:
            raise FlowError(f"{where}: type must be one of {', '.join(sorted(STEP_TYPES))}")
        steps[item["id"]] = Step(
            id=item["id"],
            type=item["type"],
            text=item.get("text"),
            next=item.get("next"),
            languages=tuple(item.get("languages") or ()),
            if_language_known=item.get("if_language_known"),
        )
    return steps


def _check(flow: Flow, catalogs: TextCatalogs) -> None:
    path = flow.source
    if flow.start not in flow.steps:
        raise FlowError(f"{path}: start '{flow.start}' is not a step")
    _check_languages(f"{path}: fallback_languages", flow.fallback_languages, catalogs)
    for step in flow.steps.values():
        where = f"{path}: step '{step.id}'"
        for target in step.targets():
            if target not in flow.steps:
                raise FlowError(f"{where}: next '{target}' is not a step")
        if step.type != "end" and not step.text:
            raise FlowError(f"{where}: a {step.type} step needs a 'text'")
        if step.type == "choose_language":
            if not step.languages:
                raise FlowError(f"{where}: a choose_language step needs 'languages'")
            _check_languages(where, step.languages, catalogs)
        _check_texts(where, [step.text] if step.text else [], catalogs)
    _check_texts(f"{path}", _ENGINE_TEXTS, catalogs)
    unreachable = sorted(set(flow.steps) - _reachable(flow))
    if unreachable:
        raise FlowError(f"{path}: step '{unreachable[0]}' is unreachable from start '{flow.start}'")


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
            todo.extend(flow.steps[step_id].targets())
    return seen


def _with_language_words(flow: Flow, catalogs: TextCatalogs) -> Flow:
    codes = {code for step in flow.steps.values() for code in step.languages}
    words = {code: frozenset(_names_of(code, catalogs)) for code in codes}
    return Flow(flow.id, flow.start, flow.steps, flow.source, flow.fallback_languages, words)


def _names_of(code: str, catalogs: TextCatalogs) -> set[str]:
    """Every way to name a language: its code, its own name(s), CLDR names in our languages."""
    self_name = catalogs.text(code, LANGUAGE_SELF_NAME)
    names = {code, self_name, *self_name.split("/")}
    for reader in {*catalogs.languages, "en"}:
        try:
            known = Locale.parse(reader).languages
        except (UnknownLocaleError, ValueError):
            continue
        # Regional names count too: 'fa_AF' is Dari, 'nl_BE' Flemish.
        names.update(name for key, name in known.items() if key == code or key.startswith(f"{code}_"))
    return {normalize(name) for name in names if normalize(name)}
