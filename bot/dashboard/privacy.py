"""A participant's privacy rights from their page: everything kept, as JSON; and erasure (centre only)."""

import json

from flask import Response, abort, flash, redirect, request, url_for

from bot import audit, privacy
from bot.dashboard.access import bp, current_user, participant_or_404, sees_everything
from bot.dashboard.texts import t
from bot.services import current_services
from storage.db import session_scope


@bp.get("/participants/<int:participant_id>/export.json")
def participant_export(participant_id: int):
    services, user = current_services(), current_user()
    with session_scope(services.db) as db:
        data = privacy.export(db, participant_or_404(db, user, participant_id))
        audit.record(db, user.id, "participant.exported", participant_id, services.clock())
    headers = {"Content-Disposition": f"attachment; filename=welkom-deelnemer-{participant_id}.json"}
    return Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json", headers=headers)


@bp.post("/participants/<int:participant_id>/erase")
def participant_erase(participant_id: int):
    """Erasure cannot be undone: only the centre may do it, and only when it is confirmed on the form."""
    services, user = current_services(), current_user()
    with session_scope(services.db) as db:
        participant = participant_or_404(db, user, participant_id)
        if not sees_everything(user):
            abort(403)
        if request.form.get("confirm") != "yes":
            flash(t("privacy.confirm_first"))
            return redirect(url_for("dashboard.participant", participant_id=participant_id))
        privacy.erase(services, db, participant, services.clock())
        audit.record(db, user.id, "participant.erased", participant_id, services.clock())
    flash(t("privacy.erased"))
    return redirect(url_for("dashboard.participant", participant_id=participant_id))
