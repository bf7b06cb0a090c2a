"""The first message's language: clear texts give our code, unclear or unsupported ones None (the menu).

The expectations are what lingua-language-detector really returns for these texts (measured with the pinned
version); the comments give its confidence values where a threshold decides.
"""

import pytest

from bot import language_detection
from bot.i18n import SUPPORTED_LANGUAGES
from bot.language_detection import detect_language
from bot.limits import BODY_CHARS

CASES = [
    # Dutch.
    ("goedemorgen", "nl"),  # nl 0.89
    ("Hallo, ik ben nieuw", "nl"),
    ("Ik ben vorige maand naar Nederland gekomen en ik zoek vrijwilligerswerk.", "nl"),
    ("Goedemorgen!!! 😊 123", "nl"),
    ("https://welkom.nl goedemorgen", "nl"),
    ("salam, ik ben nieuw hier", "nl"),  # "salam" tells nothing and is left out
    # English.
    ("good morning", "en"),  # en 0.83
    ("I moved to the Netherlands last month and I am looking for volunteer work.", "en"),
    # Turkish.
    ("günaydın", "tr"),
    ("iyi günler", "tr"),
    ("merhaba nasılsın", "tr"),
    ("selam nasılsın", "tr"),
    ("Geçen ay Hollanda'ya geldim ve gönüllü iş arıyorum.", "tr"),
    # Somali.
    ("salaan", "so"),  # so 0.91
    ("nabad", "so"),
    ("subax wanaagsan", "so"),
    ("iska warran", "so"),  # so 0.53, next 0.10
    ("Bishii hore ayaan imid Holland waxaanan raadinayaa shaqo tabarruc ah.", "so"),
    # Ukrainian: its letters, or lingua.
    ("Привіт", "uk"),
    ("Привіт!!! 👋", "uk"),
    ("добрий день", "uk"),  # no Ukrainian-only letter; uk 0.70, ru 0.27
    ("Я переїхала до Нідерландів минулого місяця і шукаю волонтерську роботу.", "uk"),
    # Tigrinya: Ge'ez script.
    ("ሰላም", "ti"),
    ("ከመይ ኣለኻ", "ti"),
    ("ሰላም፣ ኣነ ሓዲሽ እየ።", "ti"),
    # Arabic: Arabic-keyboard letters (ي ك ة ى), the article, Arabic-only greetings.
    ("مرحبا", "ar"),
    ("السلام عليكم", "ar"),
    ("سلام عليكم", "ar"),
    ("أهلا وسهلا", "ar"),
    ("كيف حالك", "ar"),
    ("وصلت إلى هولندا الشهر الماضي وأبحث عن عمل تطوعي.", "ar"),
    # Persian/Dari: Persian letters (پ چ ژ گ, Persian yeh and kaf), Persian-only words.
    ("سلام علیکم", "fa"),
    ("سلام، خوبی؟", "fa"),
    ("ممنون", "fa"),
    ("درود", "fa"),
    ("لطفاً کمک کنید", "fa"),
    ("ماه گذشته به هلند آمدم و دنبال کار داوطلبانه هستم.", "fa"),
    ("من در هلند زندگي مي كنم", "fa"),  # Arabic yeh and kaf, but گ; lingua: fa 1.00
    # Pashto: its letters, or Pashto-only words typed on a Persian keyboard.
    ("سلام ورور", "ps"),
    ("ستړي مه شې", "ps"),
    ("څنګه یاست؟", "ps"),
    ("مننه", "ps"),  # lingua would say ar 0.70: it knows no Pashto
    ("زما نوم احمد دی", "ps"),
    ("زه له افغانستان څخه راغلی یم او کار لټوم", "ps"),
    # Arabic script that does not decide.
    ("سلام", None),  # shared; lingua fa 0.38, ar 0.31
    ("ان شاء الله", None),  # said by every Muslim; lingua ar 0.78
    ("ميخواهم كار كنم", None),  # Arabic-keyboard letters, but lingua says fa 0.99
    ("آپ کیسے ہیں", None),  # Urdu letters
    # Russian and other Cyrillic.
    ("Привет", None),  # ru 0.57
    ("Здравствуйте", None),
    ("добрый день", None),  # ы
    ("спасибо", None),
    ("Я переехала в Нидерланды в прошлом месяце и ищу работу.", None),
    ("Добро утро, казвам се Мария", None),  # Bulgarian
    # Greetings decide, where lingua alone could not tell (its values in brackets).
    ("hello", "en"),  # (it 0.32, es 0.23, en third)
    ("hi", "en"),  # (so 0.16, en 0.15)
    ("merhaba", "tr"),  # (tr 0.44, so 0.22)
    ("marhaba", "ar"),  # Arabic in Latin letters (lingua would say so 0.77)
    ("hello, the gemeente told me to come", "en"),  # institution words do not decide
    ("is this Welkom?", "en"),
    ("Hello, ik ben nieuw", None),  # two languages
    # Short greetings lingua cannot tell apart (confidence or lead too small, or a distractor ahead).
    ("hallo", None),  # en 0.28, it 0.24; German says it too
    ("hoi", None),  # fr 0.39
    ("dank je wel", None),  # nl 0.26, so 0.24
    ("thank you", None),  # en 0.39, so 0.22
    ("selam", None),
    ("salam", None),
    ("Salam aleykum", None),  # lingua would say so 0.80
    # Other Latin-script languages.
    ("guten Tag", None),
    ("Ich bin letzten Monat in die Niederlande gezogen und suche ehrenamtliche Arbeit.", None),
    ("bonjour", None),
    ("Je suis arrivé aux Pays-Bas le mois dernier et je cherche du bénévolat.", None),
    ("buenos días", None),
    ("dzień dobry", None),
    # Mixed or other scripts, and no letters.
    ("ሰላም hello", None),
    ("hello مرحبا", None),
    ("Привіт hello", None),
    ("你好", None),
    ("Γεια σας", None),
    ("", None),
    ("   ", None),
    ("a", None),
    ("12345", None),
    ("+31 6 1234 5678", None),
    ("😀👍", None),
    ("?!", None),
    ("https://example.com/welkom", None),
    ("www.welkom.nl", None),
    ("info@welkom.nl", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text or "<empty>" for text, _ in CASES])
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_every_language_is_covered_and_supported() -> None:
    expected = {code for _, code in CASES if code is not None}
    assert expected == set(SUPPORTED_LANGUAGES)


def test_the_detector_is_built_once() -> None:
    detect_language("goedemorgen")
    detector = language_detection._detector
    assert detector is not None
    detect_language("Привіт")
    assert language_detection._detector_instance() is detector


@pytest.mark.parametrize(
    ("confidences", "expected"),
    [
        ([("en", 0.40), ("nl", 0.10)], "en"),
        ([("en", 0.40), ("nl", 0.20)], None),  # leads by less than the margin
        ([("en", 0.30), ("nl", 0.01)], None),  # below the minimum
        ([(None, 0.90), ("en", 0.10)], None),  # a language we do not support
        ([("uk", 1.0)], "uk"),
    ],
)
def test_confident(confidences: list[tuple[str | None, float]], expected: str | None) -> None:
    allowed = {"nl", "en", "uk"}
    result = language_detection._confident(confidences, 0.35, 0.25, allowed)
    assert result == expected


@pytest.mark.parametrize("text", ["a@" * 100_000, "a-" * 100_000, "a." * 100_000, "x" * 1_000_000])
def test_long_texts_are_cut_to_one_message_before_detection(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A message is never longer than Twilio's 1,600 characters; more only makes the next newcomer wait.
    (How the time grows with the length is measured in benchmarks/long_inputs.py, not here.)"""
    seen: list[int] = []
    words = language_detection._words
    monkeypatch.setattr(language_detection, "_words", lambda given: seen.append(len(given)) or words(given))
    detect_language(text)
    assert seen == [BODY_CHARS]
