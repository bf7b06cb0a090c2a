"""The outputs the host reads from flows, per product: the contract between flow files and Python.

A flow says `produces: <product>`; its question steps say `save_as: <output>`. The loader
refuses a flow that saves an output its product does not have, misses one the host reads,
saves it from a step that gives another kind of answer, or offers a choice the host cannot
make sense of.
"""

from dataclasses import dataclass

# The kinds of answer: own words, one choice id, a list of choice ids, true or false.
TEXT, CHOICE, CHOICES, YES_NO = "text", "choice", "choices", "yes_no"


@dataclass(frozen=True)
class Output:
    answer: str
    # The choice ids the host knows what to do with; empty: any.
    choices: frozenset[str] = frozenset()
    # The longest text the host keeps (a sized column); None: a message's length.
    max_length: int | None = None


INTAKE, ABSENCE, QUESTION, CHECKIN, ENDING = "intake", "absence", "question", "checkin", "ending"

PRODUCTS: dict[str, dict[str, Output]] = {
    # bot/conversation.py (the participant), bot/appointments.py (work days from the kennismaking)
    INTAKE: {
        "participant.name": Output(TEXT, max_length=100),
        "participant.reminders": Output(YES_NO),
        # bot/voice_notes.py: 'voice' brings a recorded voice note before each text that has one
        "participant.contact": Output(CHOICE, frozenset({"whatsapp_text", "voice", "phone_call", "paper"})),
        "intake.days": Output(CHOICES, frozenset({"mon", "tue", "wed", "thu", "fri", "sat", "sun"})),
        "intake.day_parts": Output(CHOICES, frozenset({"morning", "afternoon", "evening"})),
        # bot/checkins.py: how often they are asked how it goes, and what they hoped to learn (shown back)
        "participant.checkin_rhythm": Output(CHOICE, frozenset({"every_workday", "every_two_weeks", "every_month"})),
        "intake.learn": Output(CHOICES),
        "intake.learn_words": Output(TEXT),
        # bot/holidays.py: the holidays they keep
        "participant.holidays": Output(
            CHOICES,
            frozenset(
                {"eid_al_fitr", "eid_al_adha", "nowruz", "orthodox_christmas", "orthodox_easter", "meskel", "none"}
            ),
        ),
    },
    # bot/absences.py and bot/notices.py
    ABSENCE: {
        "absence.kind": Output(CHOICE, frozenset({"cancel", "late"})),
        "absence.reason": Output(CHOICE),
        "absence.reason_words": Output(TEXT),
        "absence.minutes_late": Output(CHOICE),  # a number of minutes, or a choice that asks for words
        "absence.late_words": Output(TEXT),
    },
    # bot/conversation.py: a question for the coordinator
    QUESTION: {"question.text": Output(TEXT)},
    # bot/checkins.py: a check-in's answers; the mood may be own words (a choice's `on_other`)
    CHECKIN: {
        "checkin.mood": Output(CHOICE),
        "checkin.fits": Output(YES_NO),
        "checkin.learning": Output(YES_NO),
        "checkin.wants_person": Output(YES_NO),
        "checkin.contact_way": Output(CHOICE, frozenset({"message", "voice", "call"})),
        "checkin.with_whom": Output(CHOICE, frozenset({"alone", "interpreter", "trusted_person"})),
    },
    # bot/ending_dialogue.py: the ending dialogue (afronden); bot/ending_notice.py shows it in Dutch
    ENDING: {
        "ending.answered": Output(YES_NO),
        "ending.went_well": Output(CHOICES),
        "ending.went_well_words": Output(TEXT),
        "ending.better": Output(TEXT),
        "ending.come_back": Output(CHOICE, frozenset({"yes", "no", "maybe"})),
        # Whether a getuigschrift and/or certificate is to be made (bot/documents/)
        "ending.papers": Output(CHOICE, frozenset({"testimonial", "certificate", "both", "none"})),
    },
}
# Every output by name (names are unique across products).
OUTPUTS: dict[str, Output] = {name: output for outputs in PRODUCTS.values() for name, output in outputs.items()}
# Any other free-text answer: Twilio's longest message.
DEFAULT_MAX_LENGTH = 1600
