"""`bot whatsapp sync` and `status`: the Content resources the flows need, made once, and their approval.

A resource is made once per question, language, kind and version; running sync again makes
only what changed (a text edited in a catalog is a new version). What was made is kept
even when Twilio refuses one halfway, so the next run goes on from there.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session as DbSession

from bot.content_api import ContentApi
from bot.services import Services
from bot.whatsapp_content import APPROVED, TEMPLATE, ContentSpec, LabelTooLong, samples, specs
from storage import queries
from storage.db import session_scope
from storage.models import WhatsAppContent

log = logging.getLogger(__name__)

# WhatsApp's answers that will not change by asking again.
FINAL_APPROVALS = frozenset({APPROVED, "rejected"})
# The column's width; Twilio's statuses are single words.
STATUS_CHARS = 20


@dataclass
class SyncReport:
    created: int = 0
    unchanged: int = 0
    approvals_requested: int = 0
    too_long: list[LabelTooLong] = field(default_factory=list)


def sync(services: Services, now: datetime, request_approval: bool = False) -> SyncReport:
    """Make every resource not made yet; with `request_approval`, ask WhatsApp to approve the templates."""
    api = ContentApi(services.settings)
    wanted, too_long = specs(services.book, services.catalogs, services.templates)
    report = SyncReport(too_long=too_long)
    for spec in wanted:
        with session_scope(services.db) as db:
            row = _stored(db, spec)
            if row is None:
                row = _create(db, api, services, spec, now)
                report.created += 1
            else:
                report.unchanged += 1
            if request_approval and spec.kind == TEMPLATE and row.approval_status is None:
                row.approval_status = api.request_approval(row.content_sid, _template_name(spec))[:STATUS_CHARS]
                row.approval_checked_at = now
                db.add(row)
                report.approvals_requested += 1
    log.info("whatsapp sync: %d made, %d unchanged", report.created, report.unchanged)
    return report


def status(services: Services, now: datetime) -> list[WhatsAppContent]:
    """The newest resource per template and language, its approval asked of Twilio where not final yet."""
    api = ContentApi(services.settings)
    with session_scope(services.db) as db:
        newest = {(r.template, r.language): r for r in reversed(queries.whatsapp_templates(db))}
        rows = sorted(newest.values(), key=lambda r: (r.template, r.language))
        for row in rows:
            if row.approval_status is not None and row.approval_status not in FINAL_APPROVALS:
                row.approval_status = (api.approval(row.content_sid) or row.approval_status)[:STATUS_CHARS]
                row.approval_checked_at = now
                db.add(row)
        db.flush()
        for row in rows:
            db.expunge(row)
    return rows


def _stored(db: DbSession, spec: ContentSpec) -> WhatsAppContent | None:
    return queries.whatsapp_content(db, spec.question, spec.language, spec.kind, spec.version)


def _create(db: DbSession, api: ContentApi, services: Services, spec: ContentSpec, now: datetime) -> WhatsAppContent:
    sid = api.create(spec.friendly_name, spec.language, samples(spec, services.coordinator_texts), spec.types())
    row = WhatsAppContent(
        question=spec.question,
        language=spec.language,
        kind=spec.kind,
        version=spec.version,
        content_sid=sid,
        content_type=spec.content_type,
        template=spec.template,
        created_at=now,
    )
    db.add(row)
    db.flush()
    return row


def _template_name(spec: ContentSpec) -> str:
    """WhatsApp's template name: lower case letters, digits and underscores, unique per version."""
    return f"welkom_{spec.template}_{spec.language}_{spec.version[:8]}"
