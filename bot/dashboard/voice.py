"""Spraak: the voice catalog per language (recorded, synthetic, missing), and recording or uploading one.

Only the centre's accounts: a recording speaks for the centre to every participant of that
language. An upload in any format ffmpeg reads (a phone's m4a, the browser's webm) is kept
as OGG/Opus under VOICE_DIR, every process is told to reload its index, and the audit
trail keeps who did it.
"""

import os
from pathlib import Path

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for

from bot import audio, audit
from bot.dashboard.access import bp, current_user, sees_everything
from bot.dashboard.texts import t
from bot.intake import language_name
from bot.services import Services, current_services
from bot.voice_catalog import MISSING, mark_changed, uploaded_path
from bot.voice_catalog import Source as S
from bot.voice_script import script, spoken_keys
from storage.db import session_scope

# A spoken prompt is a minute or two; a phone's recording of that is a few megabytes.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
STATES = (str(S.RECORDED), str(S.SYNTHETIC), MISSING)
# The recorder previews what was just said from a blob: URL, which the default policy forbids.
_RECORDER_POLICY = (
    "default-src 'self'; media-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@bp.before_request
def _centre_only():
    if request.endpoint and request.endpoint.startswith("dashboard.voice") and not sees_everything(current_user()):
        abort(404)


@bp.get("/voice")
def voice_languages():
    services = current_services()
    keys = spoken_keys(services.book)
    counts = {}
    for language in services.catalogs.languages:
        states = list(services.voice.states(language, keys).values())
        counts[language] = {state: states.count(state) for state in STATES}
    names = {code: language_name(code) for code in counts}
    return render_template("dashboard/voice.html", counts=counts, names=names, states=STATES)


@bp.get("/voice/<language>")
def voice_language(language: str):
    services = _services_for(language)
    keys = spoken_keys(services.book)
    rows = [
        (key, state, services.catalogs.text(language, key))
        for key, state in services.voice.states(language, keys).items()
    ]
    rows.sort(key=lambda row: STATES.index(row[1]), reverse=True)  # missing first
    return render_template("dashboard/voice_language.html", language=language, name=language_name(language), rows=rows)


@bp.get("/voice/<language>/<key>")
def voice_key(language: str, key: str):
    services = _services_for(language, key)
    recording = services.voice.all(language).get(key)
    page = render_template(
        "dashboard/voice_key.html",
        language=language,
        name=language_name(language),
        key=key,
        state=str(recording.source) if recording else MISSING,
        script=script(services.catalogs, services.book, language, key),
        written=services.catalogs.text(language, key),
    )
    return Response(page, headers={"Content-Security-Policy": _RECORDER_POLICY})


@bp.get("/voice/<language>/<key>/audio")
def voice_audio(language: str, key: str):
    services = _services_for(language, key)
    recording = services.voice.all(language).get(key)
    if recording is None:
        abort(404)
    return send_file(recording.path, mimetype="audio/ogg")


@bp.post("/voice/<language>/<key>")
def voice_upload(language: str, key: str):
    services, user = _services_for(language, key), current_user()
    # The form was parsed already (for its CSRF token); Werkzeug keeps large files on disk, not in memory.
    upload = request.files.get("audio")
    data = upload.read(MAX_UPLOAD_BYTES + 1) if upload else b""
    if len(data) > MAX_UPLOAD_BYTES:
        return _refused(language, key, t("voice.too_large"))
    if not data:
        return _refused(language, key, t("voice.no_file"))
    if not audio.available(audio.FFMPEG):
        return _refused(language, key, t("voice.no_converter"))
    try:
        converted = audio.to_ogg_opus(data)
    except audio.AudioError:
        return _refused(language, key, t("voice.not_audio"))
    _store(services.settings.voice_dir, language, key, converted)
    with session_scope(services.db) as db:
        seconds = round(audio.duration(converted), 1)
        audit.record(db, user.id, "voice.uploaded", None, services.clock(), language=language, key=key, seconds=seconds)
    flash(t("voice.saved", text=key, language=language_name(language)))
    return redirect(url_for("dashboard.voice_language", language=language))


def _store(voice_dir: Path, language: str, key: str, converted: bytes) -> None:
    """Written beside its place and renamed, so a voice note being fetched is never half a file."""
    path = uploaded_path(voice_dir, language, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(converted)
    os.replace(partial, path)
    mark_changed(voice_dir)


def _refused(language: str, key: str, message: str):
    flash(message)
    return redirect(url_for("dashboard.voice_key", language=language, key=key))


def _services_for(language: str, key: str | None = None) -> Services:
    """The services, when the language is the bot's and the key a text it speaks (else 404)."""
    services = current_services()
    if language not in services.catalogs.languages or (key is not None and key not in spoken_keys(services.book)):
        abort(404)
    return services
