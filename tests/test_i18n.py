"""The catalogs: complete in every language, placeholders intact, rendered in order."""

import re
import string
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po

from bot.config import ROOT
from bot.flow.events import Line, Literal, Option, SendMessage, TextRef
from bot.i18n import (
    SOURCE_LANGUAGE,
    SUPPORTED_LANGUAGES,
    Catalogs,
    format_when,
    is_rtl,
    isolate_if_needed,
    native_speaker_review,
    render,
    render_part,
)

CATALOGS = Catalogs.load(ROOT / "translations")
SOURCE_KEYS = sorted(CATALOGS.keys(SOURCE_LANGUAGE))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_supported_language_has_a_catalog() -> None:
    assert CATALOGS.languages == SUPPORTED_LANGUAGES


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_catalog_is_complete_and_keeps_placeholders(language: str) -> None:
    missing = [key for key in SOURCE_KEYS if not CATALOGS.has(language, key)]
    assert not missing, f"{language} lacks {missing}"
    for key in SOURCE_KEYS:
        source, translated = CATALOGS.text(SOURCE_LANGUAGE, key), CATALOGS.text(language, key)
        assert placeholders(translated) == placeholders(source), f"{language} {key}"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_catalog_has_no_fuzzy_or_untranslated_entries(language: str) -> None:
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    problems = [m.id for m in catalog if m.id and (m.fuzzy or not m.string)]
    assert not problems


CATALOG_FILES = sorted((ROOT / "translations").glob("**/*.po*"))


@pytest.mark.parametrize("path", CATALOG_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_catalog_file_is_well_formed(path) -> None:
    """A merge can leave a msgid without its msgstr or a msgstr without its msgid; Babel would
    read past both and a text would silently fall back to Dutch or vanish."""
    with path.open("rb") as handle:
        read_po(handle, abort_invalid=True)
    previous = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("msgstr"):
            assert previous.startswith(("msgid", '"')), f"{path.name}:{number}: msgstr without its msgid"
        previous = line if line.strip() else ""


def test_template_lists_every_key() -> None:
    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    assert sorted(m.id for m in template if m.id) == SOURCE_KEYS


def test_each_language_names_itself_in_its_own_script() -> None:
    names = {lang: CATALOGS.text(lang, "language.self_name") for lang in SUPPORTED_LANGUAGES}
    assert names == {
        "nl": "Nederlands",
        "en": "English",
        "ar": "العربية",
        "fa": "فارسی/دری",
        "ps": "پښتو",
        "ti": "ትግርኛ",
        "so": "Soomaali",
        "uk": "Українська",
        "tr": "Türkçe",
    }


def test_no_python_module_holds_a_catalog_text() -> None:
    """User-facing texts live in translations/, not in code."""
    texts = {CATALOGS.text(lang, key) for lang in SUPPORTED_LANGUAGES for key in SOURCE_KEYS}
    long_texts = {t for t in texts if len(t) > 12}
    sources = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.glob("bot/**/*.py"))
    assert not [t for t in long_texts if t in sources]


def test_render_puts_texts_per_language_then_numbered_options() -> None:
    message = SendMessage(
        texts=(TextRef("input.not_understood"), TextRef("language.choose")),
        languages=("nl", "en"),
        options=(
            Option(1, TextRef("language.self_name", language="ar")),
            Option(2, TextRef("language.self_name", language="ti")),
        ),
    )
    lines = render(CATALOGS, message).split("\n")
    assert lines[0] == CATALOGS.text("nl", "input.not_understood")
    assert lines[1] == CATALOGS.text("nl", "language.choose")
    assert lines[3] == CATALOGS.text("en", "input.not_understood")
    assert lines[-2:] == ["1. العربية", "2. ትግርኛ"]


def test_params_fill_placeholders_and_missing_texts_fall_back_to_dutch() -> None:
    catalogs = Catalogs({"nl": {"greet": "Hallo {name}!"}, "ar": {}})
    assert catalogs.text("ar", "greet", {"name": "Amal"}) == "Hallo Amal!"
    assert re.fullmatch(r"Hallo \w+!", catalogs.text("nl", "greet", {"name": "Amal"}))


WHEN = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam (winter time)


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("nl", "donderdag 3 december, 10:00"),
        ("en", "Thursday 3 December, 10:00"),
        ("ar", "الخميس ٣ كانون الأول (ديسمبر)، ١٠:٠٠"),
        ("uk", "четвер 3 грудня, 10:00"),
        ("tr", "Perşembe 3 Aralık 10:00"),
        ("ti", "ሓሙስ 3 ታሕሳስ 10:00"),
    ],
)
def test_dates_in_the_readers_language_and_amsterdam_time(language: str, written: str) -> None:
    assert format_when(WHEN, language) == written


def test_persian_and_pashto_dates_use_their_own_digits() -> None:
    assert "۳" in format_when(WHEN, "fa") and "۱۰:۰۰" in format_when(WHEN, "fa")
    assert "۱۰:۰۰" in format_when(WHEN, "ps")
    assert not any(ch.isascii() and ch.isdigit() for ch in format_when(WHEN, "fa"))


def test_summer_time_is_taken_into_account() -> None:
    assert format_when(datetime(2026, 7, 7, 9, 0, tzinfo=UTC), "nl").endswith("11:00")


@pytest.mark.parametrize(
    ("text", "reader", "isolated"),
    [
        ("Amal", "ar", True),
        ("أمل 2", "ar", False),
        ("أمل", "nl", True),
        ("Amal 2", "nl", False),
        ("12:30", "ar", False),
        ("Zahra از کابل", "fa", True),
    ],
)
def test_own_words_are_isolated_only_where_direction_differs(text: str, reader: str, isolated: bool) -> None:
    from bot.i18n import is_rtl

    shown = isolate_if_needed(text, is_rtl(reader))
    assert shown == (f"\u2068{text}\u2069" if isolated else text)


def test_a_latin_name_in_an_arabic_summary_line_keeps_its_order() -> None:
    line = Line((TextRef("kennismaking.name.label"), Literal("Amal Ali")), separator=": ")
    assert (
        render_part(CATALOGS, "ar", line) == CATALOGS.text("ar", "kennismaking.name.label") + ": \u2068Amal Ali\u2069"
    )


def test_dari_dates_use_afghan_month_names() -> None:
    assert "دسمبر" in format_when(WHEN, "fa")
    assert "جنوری" in format_when(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), "fa")
    assert "ژانویه" not in format_when(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), "fa")


def test_arabic_dates_name_the_levantine_month_and_the_common_one() -> None:
    assert "كانون الثاني (يناير)" in format_when(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), "ar")


def test_pashto_dates_use_the_catalogs_everyday_weekday_names() -> None:
    assert format_when(WHEN, "ps").startswith(CATALOGS.text("ps", "common.day.thu") + " ")


NATIVE_DIGITS = {"ar": "٠١٢٣٤٥٦٧٨٩", "fa": "۰۱۲۳۴۵۶۷۸۹", "ps": "۰۱۲۳۴۵۶۷۸۹"}


@pytest.mark.parametrize("language", sorted(NATIVE_DIGITS))
def test_one_digit_system_per_language_in_options_texts_and_dates(language: str) -> None:
    message = SendMessage(
        texts=(TextRef("reminder.sms", params={"when": WHEN.isoformat(), "place": "Kringloop"}),),
        languages=(language,),
        options=(Option(1, TextRef("common.day.mon")), Option(2, TextRef("common.day.tue"))),
    )
    shown = render(CATALOGS, message)
    assert not any(ch in "0123456789" for ch in shown), shown
    assert NATIVE_DIGITS[language][1] + "." in shown


SAMPLE_PARAMS = {name: "Kringloop" for key in SOURCE_KEYS for name in placeholders(CATALOGS.text("nl", key))}
SAMPLE_PARAMS |= {"when": WHEN.isoformat(), "max": "4"}


def first_strong_direction(text: str) -> str | None:
    """As the Unicode bidi algorithm finds a paragraph's direction: isolated runs do not count."""
    import unicodedata

    text = re.sub("\u2068[^\u2069]*\u2069", "", text)
    return next((d for d in map(unicodedata.bidirectional, text) if d in ("L", "R", "AL")), None)


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED_LANGUAGES if is_rtl(lang)])
def test_no_right_to_left_text_starts_with_a_latin_word(language: str) -> None:
    """WhatsApp lays out a paragraph by its first strong letter: a leading 'Welkom' turns it left to right."""
    starting_latin = []
    for key in SOURCE_KEYS:
        if key.endswith(".words"):  # words to recognise, never sent
            continue
        line = render_part(CATALOGS, language, TextRef(key, params=SAMPLE_PARAMS))
        if any(first_strong_direction(paragraph) == "L" for paragraph in line.split("\n")):
            starting_latin.append(key)
    assert not starting_latin


@pytest.mark.parametrize(
    ("language", "key", "wrong", "right"),
    [
        ("nl", "kennismaking.future.honest", "zekerheid op een", "Je krijgt er niet zeker een baan door."),
        ("en", "afmelden.why_it_matters", "Can you not come once?", "If you cannot come"),
        ("en", "kennismaking.dutch.good", "Well", "Good"),
        ("fa", "common.daypart.evening", "شب", "شام"),
        ("fa", "common.daypart.afternoon", "ظهر", "بعد از چاشت"),
        ("ps", "afmelden.why_it_matters", "په تمه", "حساب کوي"),
        ("so", "kennismaking.future.honest", "dammaanad", "Shaqo kuuma hubo"),
        ("ps", "welkom.welcome", "\u0000", "سلام"),
    ],
)
def test_the_reviewers_corrections_are_in(language: str, key: str, wrong: str, right: str) -> None:
    text = CATALOGS.text(language, key)
    assert wrong not in text and right in text


@pytest.mark.parametrize(
    ("language", "wrong"),
    [
        ("nl", "rekening"),
        ("en", "Do you not want"),
        ("fa", "فرزند"),
        ("fa", "تلفن"),
        ("fa", "هستم"),
        ("tr", "ehber"),
        ("tr", "Kâğıt üzerinde"),
        ("ar", "أنا مريض"),
    ],
)
def test_words_the_reviewer_struck_are_gone(language: str, wrong: str) -> None:
    # Texts people read; words and phrases people may write (e.g. 'أنا مريض') stay recognised.
    read = [key for key in SOURCE_KEYS if not key.endswith((".words", ".phrases"))]
    assert not [key for key in read if wrong in CATALOGS.text(language, key)]


def test_ukrainian_writes_one_apostrophe() -> None:
    texts = "".join(CATALOGS.text("uk", key) for key in SOURCE_KEYS if not key.endswith((".words", ".phrases")))
    assert not re.search(r"[а-яіїєґ]['’][а-яіїєґ]", texts, re.IGNORECASE)
    assert "ʼ" in texts


def test_each_catalog_says_whether_a_native_speaker_reviewed_it(tmp_path) -> None:
    assert set(native_speaker_review()) == set(SUPPORTED_LANGUAGES)
    for language, answer in (("so", "yes"), ("ti", "no")):
        (tmp_path / language / "LC_MESSAGES").mkdir(parents=True)
        header = f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n"X-Reviewed-By-Native-Speaker: {answer}\\n"\n'
        (tmp_path / language / "LC_MESSAGES" / "messages.po").write_text(header, encoding="utf-8")
    assert native_speaker_review(tmp_path) == {"so": True, "ti": False}
