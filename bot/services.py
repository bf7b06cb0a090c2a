"""The parts one running bot shares: settings, database, texts, flows, queue, channel."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app, has_app_context
from sqlalchemy import Engine

from bot import language_detection, opt_out
from bot.channels import MessageChannel, SendError, make_channel
from bot.config import Settings, load_settings
from bot.flow.loader import load_book
from bot.flow.model import FlowBook
from bot.i18n import Catalogs
from bot.mail import SmtpMailer
from bot.queue import InProcessJobQueue, JobQueue, RedisJobQueue
from bot.templates import Templates
from bot.translator import Translator
from bot.voice_catalog import VoiceCatalog
from storage.db import make_engine
from storage.models import EMAIL
from storage.types import utcnow

EXTENSION = "welkom"


@dataclass
class Services:
    settings: Settings
    db: Engine
    catalogs: Catalogs
    # Dutch texts for coordinators and operators.
    coordinator_texts: Catalogs
    book: FlowBook
    queue: JobQueue
    channel: MessageChannel
    translator: Translator
    templates: Templates
    # E-mail to coordinators who prefer it; None without SMTP_URL.
    mailer: MessageChannel | None = None
    # The recorded (and, if allowed, synthetic) voice notes per text and language.
    voice: VoiceCatalog | None = None
    # Words in any language that start messages again after 'stop', and that ask to be erased.
    start_words: frozenset[str] = frozenset()
    delete_words: frozenset[str] = frozenset()
    # The one clock of the bot's jobs and webhooks: tests and `bot dispatch --now` set it.
    clock: Callable[[], datetime] = field(default=utcnow)

    @property
    def status_callback_url(self) -> str:
        return f"{self.settings.public_base_url}/webhooks/twilio/status"

    def sender_for(self, channel: str) -> MessageChannel:
        """E-mail goes by SMTP; everything else through Twilio (or the console)."""
        if channel == EMAIL:
            if self.mailer is None:
                raise SendError("no SMTP_URL configured for e-mail")
            return self.mailer
        return self.channel


def build_services(settings: Settings, app: Flask) -> Services:
    language_detection.use_low_accuracy(settings.language_detection == "low")
    catalogs = Catalogs.load(settings.translations_dir)
    job_queue = InProcessJobQueue(app) if settings.embedded else RedisJobQueue(settings.redis_url)
    db = make_engine(settings.database_url)
    coordinator_texts = Catalogs.load(settings.translations_dir, "coordinator")
    return Services(
        settings=settings,
        db=db,
        catalogs=catalogs,
        coordinator_texts=coordinator_texts,
        book=load_book(settings.flows_dir, catalogs, session_timeout=settings.session_timeout),
        queue=job_queue,
        channel=make_channel(settings),
        translator=Translator.from_settings(settings, db),
        templates=Templates.load(settings.whatsapp_templates, catalogs, coordinator_texts),
        mailer=SmtpMailer(settings.smtp_url, settings.smtp_from) if settings.smtp_url else None,
        voice=VoiceCatalog.for_settings(settings, catalogs.languages),
        start_words=opt_out.start_words(catalogs),
        delete_words=opt_out.catalog_words(catalogs, "global.delete.words"),
    )


_worker_services: Services | None = None


def current_services() -> Services:
    """The services of the app in context, or of ones built from the environment.

    RQ workers run jobs outside any Flask app; they build their services once per
    process, lazily, so importing the job module never does any work, and without
    the web app (its routes and commands), which would import everything back.
    """
    global _worker_services
    if has_app_context():
        return current_app.extensions[EXTENSION]
    if _worker_services is None:
        # A bare app only to hold them: embedded jobs run in its context.
        holder = Flask(__name__)
        holder.extensions[EXTENSION] = _worker_services = build_services(load_settings(), holder)
    return _worker_services
