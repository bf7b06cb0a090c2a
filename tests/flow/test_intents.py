"""Sentences understood in every language (bot/flow/intents.py), and the dialogues they lead to."""

from pathlib import Path

import pytest
import yaml

from bot.config import ROOT
from bot.flow import engine, intents
from bot.flow.events import TextRef
from bot.flow.loader import load_book
from bot.flow.model import FlowBook, Input
from bot.i18n import render
from tests.flow.test_engine import CATALOGS, Dialogue, check

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "understood.yaml").read_text(encoding="utf-8"))
APPOINTMENT = {
    "id": "7",
    "when": "2026-12-02T09:00:00+01:00",
    "place": "Kringloop",
    "address": "Markt 1, Doetinchem",
    "route": "https://www.google.com/maps/dir/?api=1&destination=Markt+1",
    "photo": "",
}


@pytest.fixture(scope="module")
def book() -> FlowBook:
    return load_book(ROOT / "flows", CATALOGS)


SENTENCES = [
    # cannot come
    ("Ik kan morgen niet komen, sorry", "cannot_come"),
    ("sorry I can't come today", "cannot_come"),
    ("ما بقدر اجي اليوم", "cannot_come"),
    ("لا أستطيع الحضور غداً", "cannot_come"),
    ("امروز آمده نمی‌توانم", "cannot_come"),
    ("زه نن نه شم راتلای", "cannot_come"),
    ("ሎሚ ክመጽእ ኣይክእልን እየ", "cannot_come"),
    ("maanta ma iman karo", "cannot_come"),
    ("Я сьогодні не можу прийти", "cannot_come"),
    ("ne mozhu pryity sohodni", "cannot_come"),
    ("bugün gelemiyorum", "cannot_come"),
    # late
    ("ik kom iets later", "late"),
    ("I'll be late, sorry", "late"),
    ("رح اتأخر شوي", "late"),
    ("کمی دیر میکنم", "late"),
    ("لږ ناوخته راځم", "late"),
    ("ሎሚ ክድንጉ እየ", "late"),
    ("waan soo daahayaa", "late"),
    ("Трохи запізнюся", "late"),
    ("biraz geç kalacağım", "late"),
    # help or a person
    ("ik heb hulp nodig", "help"),
    ("please call me", "help"),
    ("بدي احكي مع حدا", "help"),
    ("لطفاً کمکم کنید", "help"),
    ("ما ته مرسته په کار ده", "help"),
    ("ሓገዝ የድልየኒ", "help"),
    ("i caawi fadlan", "help"),
    ("мені потрібна допомога", "help"),
    ("yardıma ihtiyacım var", "help"),
    # stop
    ("stuur geen berichten meer", "stop"),
    ("please stop sending me this", "stop"),
    ("لا ترسل رسائل بعد الآن", "stop"),
    ("دیگر پیام نفرستید", "stop"),
    ("نور پیغامونه مه رالیږئ", "stop"),
    ("መልእኽቲ ኣይትስደዱለይ", "stop"),
    ("fariimo ma rabo", "stop"),
    ("не пишіть мені більше", "stop"),
    ("mesaj istemiyorum", "stop"),
    # another language
    ("kan het in een andere taal?", "language"),
    ("can I change the language", "language"),
    ("بالعربي لو سمحت", "language"),
    ("به دری لطفا", "language"),
    ("په پښتو", "language"),
    ("ብትግርኛ በጃኻ", "language"),
    ("luqad kale", "language"),
    ("українською будь ласка", "language"),
    ("türkçe lütfen", "language"),
    # the next appointment
    ("wanneer is mijn afspraak?", "next_appointment"),
    ("when is my next appointment", "next_appointment"),
    ("متى موعدي؟", "next_appointment"),
    ("کی بیایم؟", "next_appointment"),
    ("کله راشم؟", "next_appointment"),
    ("ቆጸራይ መዓስ እዩ", "next_appointment"),
    ("goorma ayaan imanayaa?", "next_appointment"),
    ("коли моя зустріч?", "next_appointment"),
    ("randevum ne zaman", "next_appointment"),
    # thanks, ok
    ("dankjewel!", "thanks"),
    ("ok thanks 👍", "thanks"),
    ("شكراً جزيلاً", "thanks"),
    ("تشکر", "thanks"),
    ("ډېره مننه", "thanks"),
    ("የቐንየለይ", "thanks"),
    ("mahadsanid", "thanks"),
    ("дякую", "thanks"),
    ("teşekkürler", "thanks"),
]


@pytest.mark.parametrize(("sentence", "intent"), SENTENCES)
def test_short_sentences_are_understood_in_every_language(book: FlowBook, sentence: str, intent: str) -> None:
    assert intents.recognise(sentence, book.intent_phrases) == intent


@pytest.mark.parametrize(
    "sentence",
    [
        "Ahmed",
        "Syrië",
        "ik werk graag in de tuin",
        "I came last month from Eritrea and I like cooking",  # no phrase in it
        "ik kan niet komen want ik ben te laat",  # two intents, as long: none
        "hello I am new here and I cannot come to the meeting because my child is sick and the school called",
    ],
)
def test_other_sentences_mean_nothing(book: FlowBook, sentence: str) -> None:
    assert intents.recognise(sentence, book.intent_phrases) is None


def test_every_language_has_phrases_for_every_intent() -> None:
    for language in CATALOGS.languages:
        for intent in intents.INTENTS:
            phrases = intents.as_phrases([CATALOGS.text(language, intents.phrases_key(intent))])
            assert len(phrases) >= 2, f"{language} {intent}"


def test_no_phrase_means_two_intents(book: FlowBook) -> None:
    seen: dict[tuple[str, ...], str] = {}
    for intent, phrases in book.intent_phrases.items():
        for phrase in phrases:
            assert seen.setdefault(phrase, intent) == intent, f"{phrase} is {seen[phrase]} and {intent}"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_understood_dialogues(book: FlowBook, case: dict) -> None:
    facts = {**case["facts"], "appointments": [APPOINTMENT] if case.get("appointment") else []}
    dialogue = Dialogue(book, facts)
    if "start" in case:
        dialogue.start(case["start"])
    for message in case["messages"]:
        dialogue.say(message["text"], message.get("payload"), message.get("media", 0))
        check(message.get("expect", {}), dialogue)


def test_the_next_appointment_shows_date_time_place_and_route(book: FlowBook) -> None:
    dialogue = Dialogue(book, {"language": "en", "consent": True, "intake": True, "appointments": [APPOINTMENT]})
    dialogue.say("when is my next appointment?")
    body = render(CATALOGS, dialogue.sent[0])
    assert "Kringloop" in body and "Markt 1, Doetinchem" in body and APPOINTMENT["route"] in body
    assert "2 December" in body and "09:00" in body


def test_not_understood_says_which_numbers_to_send(book: FlowBook) -> None:
    dialogue = Dialogue(book, {"language": "so", "consent": True, "intake": True})
    dialogue.say("menu")
    dialogue.say("blabla")
    [hint] = [t for t in dialogue.sent[0].texts if isinstance(t, TextRef) and t.key == "input.send_a_number"]
    assert hint.params == {"max": "7"}
    assert "1 ilaa 7" in render(CATALOGS, dialogue.sent[0])


@pytest.mark.parametrize(
    ("text", "reaches"),
    [
        ("ik kan morgen niet komen", True),
        ("stuur geen berichten meer", True),
        ("when is my next appointment", True),
        ("stop", True),
        ("ik heb hulp nodig", False),  # for the person already helping
        ("bedankt", False),
        ("ik ben er morgen om 10 uur", False),
    ],
)
def test_sentences_for_the_bot_reach_it_while_a_person_helps(book: FlowBook, text: str, reaches: bool) -> None:
    assert engine.reaches_bot(book, Input(text=text)) is reaches
