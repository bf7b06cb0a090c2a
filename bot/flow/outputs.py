"""The outputs the host reads from flows, per product: the contract between flow files and Python.

A flow says `produces: <product>`; its steps say `save_as: <output>`. The loader refuses a
flow that saves an output its product does not have, or misses one the host reads.
"""

INTAKE, ABSENCE, QUESTION = "intake", "absence", "question"

PRODUCTS: dict[str, frozenset[str]] = {
    # bot/conversation.py and bot/appointments.py (work days from the kennismaking)
    INTAKE: frozenset({"participant.name", "participant.reminders", "intake.days", "intake.day_parts"}),
    # bot/absences.py and bot/notices.py
    ABSENCE: frozenset(
        {"absence.kind", "absence.reason", "absence.reason_words", "absence.minutes_late", "absence.late_words"}
    ),
    # bot/conversation.py: a question for the coordinator
    QUESTION: frozenset({"question.text"}),
}

# The longest free text an output may hold, where the host stores it in a sized column.
MAX_LENGTHS: dict[str, int] = {"participant.name": 100}
# Any other free-text answer: Twilio's longest message.
DEFAULT_MAX_LENGTH = 1600
