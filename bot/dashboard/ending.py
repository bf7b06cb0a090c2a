"""Ending a participant's volunteering from their page: a reason, then the ending dialogue.

A begeleider (their own participants) or the centre may do it; it is in the audit trail.
"""

from flask import abort, flash, redirect, request, url_for

from bot import audit, ending, ending_dialogue, jobs, privacy
from bot.dashboard.access import bp, current_user, participant_or_404
from bot.dashboard.texts import t
from bot.services import current_services
from storage.db import session_scope


@bp.post("/participants/<int:participant_id>/end")
def participant_end(participant_id: int):
    services, user = current_services(), current_user()
    reason = request.form.get("reason", "")
    back = redirect(url_for("dashboard.participant", participant_id=participant_id) + "#ending")
    with session_scope(services.db) as db:
        participant = participant_or_404(db, user, participant_id)
        if privacy.is_erased(participant):
            abort(404)  # nobody left to end or to ask
        if reason not in ending.REASONS:
            flash(t("ending.choose_reason"))
            return back
        if participant.ended_at is not None:
            flash(t("ending.already"))
            return back
        now = services.clock()
        cancelled = ending_dialogue.end_volunteering(services, db, participant, reason, now)
        asked = ending_dialogue.reachable(participant)
        audit.record(db, user.id, "participant.ended", participant_id, now, reason=reason, cancelled=cancelled)
    if asked:
        services.queue.enqueue(jobs.ask_ending, participant_id)
    flash(t("ending.done", cancelled=cancelled))
    flash(t("ending.asked" if asked else "ending.not_asked"))
    return back
