"""Catalog keys the engine itself uses, whatever the flow. Every catalog must have them."""

LANGUAGE_SELF_NAME = "language.self_name"
ANOTHER_LANGUAGE = "language.another"
NOT_UNDERSTOOD = "input.not_understood"
MEDIA_NOT_SUPPORTED = "input.media_not_supported"
# A voice note (or picture) where a numbered choice is asked: the choices again, to tap or send.
VOICE_AT_CHOICE = "input.voice_at_choice"
PERSON_WILL_HELP = "input.person_will_help"
# After "not understood" to a numbered question: "send a number from 1 to {max}".
SEND_A_NUMBER = "input.send_a_number"
# A whole sentence where a short answer was asked, shown back to be confirmed: {answer}.
CONFIRM_ANSWER = "input.confirm_answer"
# An answer longer than the question takes: {max} characters.
TOO_LONG = "input.too_long"
YES, NO = "common.yes", "common.no"
MULTI_HINT = "common.multi_hint"
SKIP_HINT = "common.skip_hint"
SKIP_WORDS = "common.skip.words"
SUMMARY_QUESTION = "summary.is_this_right"
SUMMARY_YES = "summary.yes"
SUMMARY_CHANGE = "summary.change"
SUMMARY_WHICH = "summary.which"
SUMMARY_SKIPPED = "summary.skipped"
SESSION_EXPIRED = "session.expired"
HELP_REPLY = "global.help.reply"
STOP_REPLY = "global.stop.reply"
CANCEL_NOT_YET = "global.cancel.not_yet"
# One upcoming appointment in a numbered list: {when} and {place}.
APPOINTMENT_OPTION = "appointment.option"


def global_words_key(action: str) -> str:
    return f"global.{action}.words"


def extra_words_key(text_key: str) -> str:
    """More words that pick a choice besides its label, e.g. 'common.yes.words'."""
    return f"{text_key}.words"


ENGINE_TEXTS = (
    LANGUAGE_SELF_NAME,
    ANOTHER_LANGUAGE,
    NOT_UNDERSTOOD,
    MEDIA_NOT_SUPPORTED,
    VOICE_AT_CHOICE,
    PERSON_WILL_HELP,
    SEND_A_NUMBER,
    CONFIRM_ANSWER,
    TOO_LONG,
    YES,
    NO,
    MULTI_HINT,
    SKIP_HINT,
    SKIP_WORDS,
    SUMMARY_QUESTION,
    SUMMARY_YES,
    SUMMARY_CHANGE,
    SUMMARY_WHICH,
    SUMMARY_SKIPPED,
    SESSION_EXPIRED,
    HELP_REPLY,
    STOP_REPLY,
    CANCEL_NOT_YET,
    APPOINTMENT_OPTION,
)
