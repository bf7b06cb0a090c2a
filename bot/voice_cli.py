"""`bot voice status` and `bot voice synthesize`: the voice catalog per language."""

import click
from flask import current_app
from flask.cli import with_appcontext

from bot.services import EXTENSION, Services
from bot.voice_catalog import MISSING
from bot.voice_catalog import Source as S
from bot.voice_script import spoken_keys
from bot.voice_synthesis import can_speak, fill_gaps

_STATES = (str(S.RECORDED), str(S.SYNTHETIC), MISSING)


@click.group("voice")
def voice_command() -> None:
    """The voice notes that go before texts, for participants who chose voice."""


@voice_command.command("status")
@click.option("--lang", "language", help="Only this language (e.g. so).")
@with_appcontext
def status(language: str | None) -> None:
    """Per language, which texts are recorded, synthetic or missing."""
    services = _services()
    keys = spoken_keys(services.book)
    for lang in _languages(services, language):
        states = services.voice.states(lang, keys)
        by_state = {state: [key for key, s in states.items() if s == state] for state in _STATES}
        counts = {state: str(len(found)) for state, found in by_state.items()}
        click.echo(_text(services, "voice.status.summary", language=lang, **counts))
        for state, found in by_state.items():
            if found:
                click.echo(_text(services, f"voice.status.{state}", keys=", ".join(found)))


@voice_command.command("synthesize")
@click.option("--lang", "language", help="Only this language (e.g. fa).")
@click.option("--key", "keys", multiple=True, help="Only this text (may be given more than once).")
@with_appcontext
def synthesize(language: str | None, keys: tuple[str, ...]) -> None:
    """Fill missing voice notes with espeak-ng (needs VOICE_SYNTHETIC=1); marked synthetic."""
    services = _services()
    if not services.settings.voice_synthetic:
        raise click.ClickException(_text(services, "voice.synthesize.off"))
    if language and not can_speak(language):
        raise click.ClickException(_text(services, "voice.synthesize.no_voice", language=language))
    for lang in _languages(services, language):
        if not can_speak(lang):
            continue
        filled = fill_gaps(services, lang, list(keys) or None)
        made, failed = str(len(filled.made)), str(len(filled.failed))
        click.echo(_text(services, "voice.synthesize.done", language=lang, made=made, failed=failed))
        for key, reason in filled.failed.items():
            click.echo(_text(services, "voice.synthesize.failed", key=key, reason=reason))


def _services() -> Services:
    return current_app.extensions[EXTENSION]


def _languages(services: Services, language: str | None) -> tuple[str, ...]:
    if language is None:
        return services.catalogs.languages
    if language not in services.catalogs.languages:
        raise click.ClickException(_text(services, "voice.unknown_language", language=language))
    return (language,)


def _text(services: Services, key: str, **params: str) -> str:
    return services.coordinator_texts.text("nl", key, params or None)
