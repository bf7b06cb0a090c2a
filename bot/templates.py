"""WhatsApp templates: which approved Content SID carries which catalog text, per language.

Outside WhatsApp's 24-hour service window only a pre-approved template may be sent.
The operator lists them in a YAML file (WHATSAPP_TEMPLATES); each template names the
catalog text it stands for, and its variables must be exactly that text's
placeholders, in every language, or start-up stops.
"""

import re
import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import ConfigError
from bot.i18n import Catalogs, shown_params
from storage.models import Message

_CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
# When the participant's language has no approved template, these are tried in turn.
# The reminder's template: outbound holds messages with it in quiet hours.
REMINDER_TEMPLATE = "reminder"
FALLBACK_LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Template:
    name: str
    text: str  # the catalog key whose text the template carries
    variables: tuple[str, ...]  # placeholder names, in the order of {{1}}, {{2}}, ...
    content_sids: dict[str, str]  # language -> Content SID

    def content_variables(self, params: dict[str, str]) -> dict[str, str]:
        return {str(n): params.get(name, "") for n, name in enumerate(self.variables, start=1)}


def may_go_as(message: Message, name: str, params: dict[str, str], language: str | None) -> None:
    """A message the bot starts itself: outside the 24-hour window it can only go as the approved
    template `name` (or by SMS), so the template and its values, as the reader sees them, go with it.
    The route is chosen when it is sent (bot.messaging.route)."""
    message.template = name
    message.template_params = shown_params(params, language or "nl")


class Templates:
    def __init__(self, templates: dict[str, Template]):
        self._templates = templates

    def pick(self, name: str, language: str | None, fall_back: bool = True) -> tuple[Template, str, str] | None:
        """(template, language, Content SID): the participant's language, else (`fall_back`) Dutch, else English."""
        template = self._templates.get(name)
        if template is None:
            return None
        for candidate in (language, *FALLBACK_LANGUAGES) if fall_back else (language,):
            if candidate in template.content_sids:
                return template, candidate, template.content_sids[candidate]
        return None

    def for_text(self, key: str) -> Template | None:
        """The template that carries catalog text `key`, if one does."""
        return next((t for t in self._templates.values() if t.text == key), None)

    @classmethod
    def load(cls, path: Path | None, catalogs: Catalogs, coordinator_texts: Catalogs | None = None) -> "Templates":
        """Templates for newcomers carry a text of their catalogs; those for coordinators
        (Dutch only) one of the coordinators' catalog."""
        if path is None or not path.exists():
            return cls({})
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"WHATSAPP_TEMPLATES: {path}: not valid YAML: {error}") from error
        texts = (catalogs, coordinator_texts) if coordinator_texts else (catalogs,)
        return cls({name: _template(path, name, spec, texts) for name, spec in raw.items()})


def _template(path: Path, name: str, spec: dict, texts: tuple[Catalogs, ...]) -> Template:
    where = f"WHATSAPP_TEMPLATES: {path}: template '{name}'"
    if not isinstance(spec, dict) or not spec.get("text") or not isinstance(spec.get("content_sids"), dict):
        raise ConfigError(f"{where}: needs 'text', 'variables' and 'content_sids'")
    template = Template(name, spec["text"], tuple(spec.get("variables") or ()), dict(spec["content_sids"]))
    for language, sid in template.content_sids.items():
        if language not in texts[0].languages:
            raise ConfigError(f"{where}: unknown language '{language}'")
        if not _CONTENT_SID.match(str(sid)):
            raise ConfigError(f"{where}: '{sid}' for {language} is not a Content SID (HX + 32 hex)")
        catalogs = next((c for c in texts if c.has(language, template.text)), texts[0])
        _check_variables(where, template, catalogs, language)
    return template


def _check_variables(where: str, template: Template, catalogs: Catalogs, language: str) -> None:
    if not catalogs.has(language, template.text):
        raise ConfigError(f"{where}: text '{template.text}' is not in the {language} catalog")
    placeholders = {f for _, f, _, _ in string.Formatter().parse(catalogs.text(language, template.text)) if f}
    if placeholders != set(template.variables):
        variables, expected = sorted(template.variables), sorted(placeholders)
        raise ConfigError(f"{where}: variables {variables} differ from the text's {expected} ({language})")
