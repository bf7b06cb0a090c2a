"""A participant's papers from their page: the werkafspraken, getuigschrift and certificaat as PDF,
made as they stand now, to print or pass on (the seed: "WhatsApp / briefjes")."""

from flask import Response, abort

from bot import audit, documents
from bot.dashboard.access import bp, current_user, participant_or_404
from bot.dashboard.texts import refused
from bot.services import current_services
from storage.db import session_scope


@bp.get("/participants/<int:participant_id>/papers/<kind>.pdf")
def participant_paper(participant_id: int, kind: str):
    if kind not in documents.KINDS:
        abort(404)
    services, user = current_services(), current_user()
    with session_scope(services.db) as db:
        participant = participant_or_404(db, user, participant_id)
        try:
            pdf = documents.render(services, db, participant, kind, services.clock())
        except documents.RenderError:
            return refused("papers.failed", 503)
        audit.record(db, user.id, "participant.paper", participant_id, services.clock(), kind=kind)
    headers = {"Content-Disposition": f"inline; filename={kind}-{participant_id}.pdf"}
    return Response(pdf, mimetype="application/pdf", headers=headers)
