"""Guess a newcomer's language from their first message, offline.

`detect_language(text)` returns one of our language codes when the text clearly is that language, and None
otherwise; None makes the bot show the language menu, so a wrong guess is worse than None.

The writing system decides first:

- Ge'ez (Ethiopic) script: Tigrinya, the only one of our languages written in it.
- Arabic script: Arabic, Persian/Dari and Pashto are told apart by the letters their keyboards type (see
  `_arabic_script`); lingua, which knows Arabic and Persian but not Pashto, only decides when the letters do not,
  and vetoes a letter-based guess it strongly disagrees with.
- Cyrillic: Ukrainian letters mean Ukrainian, Russian-only (and other Slavic) letters mean None; otherwise lingua.
- Latin: greetings and transliterations that tell the language ("goedemorgen", "merhaba", "marhaba", "pryvit"), then
  lingua, among our Latin-script languages and the ones newcomers are likely to write instead; a greeting and
  lingua that disagree give None.

The names of Dutch institutions (gemeente, COA, begeleider, taalschool...) are in every language's messages and
are left out first: they never decide.

Mixed scripts, other scripts, and texts without letters (digits, emoji, URLs) give None.

The lingua detector is built once per process, on first use (under 1 ms). Its language models load lazily on the
first text in each script: measured with lingua 2.1.1, Latin about 2 s and 275 MB, Cyrillic and Arabic script about
0.7 s and 60-80 MB each; about 430 MB resident once all three have been seen. Later calls take about 50 µs.
`LANGUAGE_DETECTION=low` (`use_low_accuracy`) takes lingua's low-accuracy mode (trigram models only) instead: a
fraction of the memory, and more first messages answered with the menu (README, Speed).
"""

from __future__ import annotations

import re
import threading
import unicodedata

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.limits import BODY_CHARS

# Our languages lingua knows. Pashto and Tigrinya it does not know.
_LINGUA_CODES = {
    Language.DUTCH: "nl",
    Language.ENGLISH: "en",
    Language.SOMALI: "so",
    Language.TURKISH: "tr",
    Language.UKRAINIAN: "uk",
    Language.ARABIC: "ar",
    Language.PERSIAN: "fa",
}
# Languages we do not support but that newcomers in the Netherlands write, so that their texts are not forced
# into one of ours: EU labour migrants (Polish, Romanian, Bulgarian, Portuguese, Spanish, Italian), German and
# French, Russian, and Urdu (which absorbs Arabic-script text that is neither Arabic nor Persian). Each language
# costs about 25 MB of models once its script has been seen.
_DISTRACTORS = (
    Language.GERMAN,
    Language.FRENCH,
    Language.SPANISH,
    Language.PORTUGUESE,
    Language.ITALIAN,
    Language.POLISH,
    Language.ROMANIAN,
    Language.RUSSIAN,
    Language.BULGARIAN,
    Language.URDU,
)

# Thresholds on lingua's confidence values (which sum to 1 over the languages of the text's script).
# Latin (11 languages): the best must reach this confidence and lead the second by this margin. The margin is
# what lingua's own `with_minimum_relative_distance` checks (the difference of the two best confidence values).
LATIN_MIN_CONFIDENCE = 0.35
LATIN_MIN_MARGIN = 0.25
# Cyrillic (Ukrainian, Russian, Bulgarian), only for texts without letters that decide.
CYRILLIC_MIN_CONFIDENCE = 0.65
# Arabic script (Arabic, Persian, Urdu). Lingua cannot see Pashto, so it decides alone only when very sure.
ARABIC_SCRIPT_MIN_CONFIDENCE = 0.8
# A letter-based Arabic/Persian guess is dropped when lingua is at least this sure of the other one (Persian typed
# on an Arabic keyboard, for one).
ARABIC_SCRIPT_VETO_CONFIDENCE = 0.9

_ETHIOPIC_RANGES = ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F))

# Arabic script, as the keyboards type it. Letters in none of these sets (Urdu ٹ ڈ ڑ ں ے ہ ھ, Sorani Kurdish
# ڕ ڵ ێ ۆ ە, Sindhi, ...) belong to languages we do not support: None.
_PASHTO_LETTERS = frozenset("ټډړږښګڼېۍځڅ")
_PERSIAN_LETTERS = frozenset("پچژگ")  # Not in Arabic (Iraqi and Gulf dialect writing aside).
_PERSIAN_KEYBOARD = frozenset("یکۀ")  # Persian yeh and kaf, as Persian (and Pashto) keyboards type them.
_ARABIC_KEYBOARD = frozenset("ةىيك")  # Arabic yeh, alef maksura, teh marbuta and kaf.
_SHARED_ARABIC_LETTERS = frozenset("ءآأؤإئابتثجحخدذرزسشصضطظعغفقلمنهوٱ")
_KNOWN_ARABIC_LETTERS = (
    _PASHTO_LETTERS | _PERSIAN_LETTERS | _PERSIAN_KEYBOARD | _ARABIC_KEYBOARD | _SHARED_ARABIC_LETTERS
)
# Words of shared letters only, so the letters cannot tell, typical of first messages and not words of the other
# two languages. Spelled as normalized by `_arabic_key` (bare alef, Persian yeh and kaf).
_ARABIC_SCRIPT_WORDS = {
    "ar": frozenset({"مرحبا", "مرحبتین", "اهلا", "هلا", "سهلا", "وسهلا", "انا", "احنا", "هذا", "شو", "وین", "شلون"}),
    "fa": frozenset({"ممنون", "ممنونم", "درود", "خوبم", "هستم", "است", "شما"}),
    # Pashto's function words ("ته" to, "په" in, "ده" is, "مو" your, "شم" I can) and everyday words, for Pashto
    # typed without its own letters: "سهار مو پخیر", "ما ته مرسته په کار ده".
    "ps": frozenset(
        {"ورور", "وروره", "مننه", "زه", "زما", "تاسو", "ستاسو", "نوم", "یم", "یاست"}
        | {"ته", "په", "ده", "مو", "شم", "سهار", "پخیر", "مرسته", "راغلاست", "نن"}
    ),
}
# The Arabic article marks Arabic when the letters do not decide; these words are said in every Muslim language.
_ARTICLE_EXCEPTIONS = frozenset({"الله", "السلام", "الحمد"})

# Ukrainian words Russian spells otherwise ("як" / "как", "мене звати" / "меня зовут"), for Ukrainian written
# without its own letters.
_UKRAINIAN_WORDS = frozenset({"як", "мене", "звати", "добрий", "доброго", "дякую", "будь", "вітаю", "це", "мені"})
# Cyrillic letters that decide.
_UKRAINIAN_LETTERS = frozenset("іїєґ")
# Russian-only letters (and Belarusian ў, Serbian/Macedonian, Kazakh and other letters Ukrainian does not have).
_NON_UKRAINIAN_CYRILLIC = frozenset("ыэъёўјљњћђџѓќѕәғқңөұүһ")

# Latin-script words that do not tell the language: greetings said in many Muslim communities. They are left out
# before lingua looks; a text of only these gives None ("salam", "selam", "salam aleykum").
_SHARED_LATIN_WORDS = frozenset(
    {
        "salam",
        "salaam",
        "salem",
        "selam",
        "slm",
        "assalam",
        "assalamu",
        "asalam",
        "asalamu",
        "salamu",
        "alaikum",
        "alaykum",
        "aleykum",
        "aleikum",
        "alaikom",
        "inshallah",
        "mashallah",
        "alhamdulillah",
    }
)
# Names of the institutions newcomers deal with: Dutch words in every language's messages ("hello, the gemeente
# told me..."), so they never tell the language. Left out before anything else looks.
_INSTITUTION_WORDS = frozenset(
    {
        "gemeente",
        "welkom",
        "coa",
        "azc",
        "ind",
        "duo",
        "begeleider",
        "begeleidster",
        "taalschool",
        "inburgering",
        "vluchtelingenwerk",
    }
)
# Latin-letter greetings and everyday words that tell the language: our languages lingua knows in Latin letters,
# and transliterations of those written in other scripts (which lingua would read as Somali, Turkish or English).
_LATIN_WORDS = {
    # Not "hallo" and "hoi": German and Swiss German say them too.
    "nl": frozenset({"goedemorgen", "goedemiddag", "goedenavond", "goedendag", "goeiedag", "dankjewel"}),
    "en": frozenset({"hello", "helo", "hi", "hii", "hey", "thanks"}),
    "tr": frozenset({"merhaba", "merhabalar", "günaydın", "gunaydin", "nasılsın", "nasilsin", "selamün"}),
    "so": frozenset({"salaan", "nabad", "asc", "mahadsanid", "warran", "wanaagsan"}),
    "ar": frozenset({"marhaba", "marhaban", "ahlan", "shukran", "habibi", "habibti", "kifak", "kifik", "shlonak"}),
    "fa": frozenset({"chetori", "khubi", "tashakor", "tashakur", "mamnoon", "mamnun"}),
    "ps": frozenset({"manana", "staray", "sanga"}),
    "ti": frozenset({"kemey", "kemay", "dehan", "dehando", "yekenyeley", "yekenyelay", "halefkum"}),
    "uk": frozenset({"pryvit", "dyakuyu", "diakuiu"}),
}
# Latin-letter words of languages we do not support (Russian, Amharic): None.
_FOREIGN_LATIN_WORDS = frozenset({"privet", "spasibo", "tenayistilign", "yalla", "wallah"})
# Our languages lingua knows in Latin letters.
_LATIN_LINGUA = frozenset({"nl", "en", "so", "tr"})

# A link, an e-mail address or a web domain is no word in any language. Looked for token by token
# with patterns of fixed length, so the time grows with the text's length only (no backtracking).
_LINK_MARK = re.compile(r"https?://|www\.", re.IGNORECASE)
_DOMAIN = re.compile(r"[\w-]\.(?:com|nl|org|net|eu|be|de|io|info|app|me|ly)\b", re.IGNORECASE)
_APOSTROPHES = frozenset("'’‘ʼ`´")
_TATWEEL = "\u0640"
_MIN_LETTERS = 2

_detector: LanguageDetector | None = None
_detector_lock = threading.Lock()
_low_accuracy = False


def use_low_accuracy(low: bool) -> None:
    """Choose lingua's mode for the detector of this process; a change builds it anew on next use."""
    global _detector, _low_accuracy
    with _detector_lock:
        if low != _low_accuracy:
            _detector, _low_accuracy = None, low


def detect_language(text: str) -> str | None:
    """Our language code ('nl', 'en', 'ar', 'fa', 'ps', 'ti', 'so', 'uk', 'tr') if `text` clearly is it."""
    # No message is longer; a longer text would only make the next newcomer wait.
    words = _words(text[:BODY_CHARS])
    letters = [ch for word in words for ch in word if ch != "'"]
    if len(letters) < _MIN_LETTERS:
        return None
    scripts = {_script(ch) for ch in letters}
    if len(scripts) != 1:
        return None
    script = scripts.pop()
    if script == "ethiopic":
        return "ti"
    if script == "arabic":
        return _arabic_script(words)
    if script == "cyrillic":
        return _cyrillic(words)
    if script == "latin":
        return _latin(words)
    return None


def _detector_instance() -> LanguageDetector:
    """The one lingua detector of this process, built on first use (its models then load per script)."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                builder = LanguageDetectorBuilder.from_languages(*_LINGUA_CODES, *_DISTRACTORS)
                _detector = (builder.with_low_accuracy_mode() if _low_accuracy else builder).build()
    return _detector


def _confidences(words: list[str]) -> list[tuple[str | None, float]]:
    """Lingua's confidence values, best first, as (our code or None, value); the script's languages only."""
    values = _detector_instance().compute_language_confidence_values(" ".join(words))
    return [(_LINGUA_CODES.get(value.language), value.value) for value in values]


def _words(text: str) -> list[str]:
    """The words of `text`: letters (and apostrophes inside words) only, without URLs, digits, emoji, marks."""
    text = " ".join(token for token in unicodedata.normalize("NFKC", text).split() if not _is_link(token))
    return [word for word in _letters_only(text).split() if word.casefold() not in _INSTITUTION_WORDS]


def _letters_only(text: str) -> str:
    chars: list[str] = []
    for index, ch in enumerate(text):
        category = unicodedata.category(ch)
        if ch == _TATWEEL or category in ("Mn", "Mc", "Me"):
            continue  # Arabic vowel marks and tatweel: shared by Arabic, Persian and Pashto, and left out.
        if category.startswith("L"):
            chars.append(ch)
        elif ch in _APOSTROPHES and _is_letter(text, index - 1) and _is_letter(text, index + 1):
            chars.append("'")
        else:
            chars.append(" ")
    return "".join(chars)


def _is_link(token: str) -> bool:
    if _LINK_MARK.search(token) or _DOMAIN.search(token):
        return True
    # An e-mail address: something, '@', something, a dot, something.
    at = token.find("@", 1)
    return at != -1 and token.find(".", at + 2, len(token) - 1) != -1


def _is_letter(text: str, index: int) -> bool:
    return 0 <= index < len(text) and unicodedata.category(text[index]).startswith("L")


def _script(ch: str) -> str:
    code_point = ord(ch)
    if any(low <= code_point <= high for low, high in _ETHIOPIC_RANGES):
        return "ethiopic"
    head = unicodedata.name(ch, "").split(" ", 1)[0]
    return {"LATIN": "latin", "CYRILLIC": "cyrillic", "ARABIC": "arabic"}.get(head, "other")


def _arabic_key(word: str) -> str:
    """A word with alef forms made bare and Arabic yeh/kaf made Persian, to look it up in the word lists."""
    return word.translate(str.maketrans("أإآٱيىك", "ااااییک"))


def _arabic_script(words: list[str]) -> str | None:
    """Arabic, Persian or Pashto by their letters; the word lists and lingua when the letters do not decide."""
    letters = {ch for word in words for ch in word if ch != "'"}
    if not letters <= _KNOWN_ARABIC_LETTERS:
        return None
    if letters & _PASHTO_LETTERS:
        return "ps"
    keys = [_arabic_key(word) for word in words]
    known = {code for key in keys for code, vocabulary in _ARABIC_SCRIPT_WORDS.items() if key in vocabulary}
    arabic_keyboard = bool(letters & _ARABIC_KEYBOARD)
    persian = bool(letters & (_PERSIAN_LETTERS | _PERSIAN_KEYBOARD))
    if known == {"ps"}:
        # Pashto typed without its own letters (a Persian keyboard); Pashto writes ي but never ة ى ك.
        return "ps" if not letters & (_ARABIC_KEYBOARD - {"ي"}) else None
    if "ps" in known or len(known) > 1:
        return None
    if persian and not arabic_keyboard:
        guess = "fa"
    elif arabic_keyboard and not persian:
        guess = "ar"
    elif not persian and not arabic_keyboard:
        if known:
            guess = known.pop()
        elif any(key.startswith("ال") and len(key) > 3 and key not in _ARTICLE_EXCEPTIONS for key in keys):
            guess = "ar"
        else:
            return _confident(_confidences(words), ARABIC_SCRIPT_MIN_CONFIDENCE, 0.0, allowed={"ar", "fa"})
    else:
        # Both keyboards' letters (Iraqi Arabic with چ گ, Persian on an Arabic keyboard, ...): lingua, when sure.
        return _confident(_confidences(words), ARABIC_SCRIPT_VETO_CONFIDENCE, 0.0, allowed={"ar", "fa"})
    if known and known != {guess}:
        return None
    best, value = _confidences(words)[0]
    if best in ("ar", "fa") and best != guess and value >= ARABIC_SCRIPT_VETO_CONFIDENCE:
        return None
    return guess


def _cyrillic(words: list[str]) -> str | None:
    letters = {ch for word in words for ch in word.lower()}
    if letters & _NON_UKRAINIAN_CYRILLIC:
        return None
    if letters & _UKRAINIAN_LETTERS or any(word.lower() in _UKRAINIAN_WORDS for word in words):
        return "uk"
    return _confident(_confidences(words), CYRILLIC_MIN_CONFIDENCE, 0.0, allowed={"uk"})


def _latin(words: list[str]) -> str | None:
    """Greetings and transliterations tell first; lingua reads the rest, and must not contradict them."""
    folded = [word.casefold() for word in words]
    if any(word in _FOREIGN_LATIN_WORDS for word in folded):
        return None
    told = {code for word in folded for code, known in _LATIN_WORDS.items() if word in known}
    if len(told) > 1:
        return None
    greeting = told.pop() if told else None
    if greeting and greeting not in _LATIN_LINGUA:
        return greeting  # "marhaba", "salam chetori": lingua cannot read these
    told_words = _LATIN_WORDS.get(greeting or "", frozenset())
    remaining = [w for w, key in zip(words, folded, strict=True) if key not in _SHARED_LATIN_WORDS | told_words]
    if sum(len(word) for word in remaining) < _MIN_LETTERS:
        return greeting
    read = _confident(_confidences(remaining), LATIN_MIN_CONFIDENCE, LATIN_MIN_MARGIN, allowed=set(_LATIN_LINGUA))
    if greeting and read and read != greeting:
        return None  # "Hello, ik ben nieuw": two languages, ask
    return greeting or read


def _confident(
    confidences: list[tuple[str | None, float]], minimum: float, margin: float, allowed: set[str]
) -> str | None:
    """The best language if it is one of `allowed`, reaches `minimum` and leads the second by `margin`."""
    if not confidences:
        return None
    (best, value), second = confidences[0], confidences[1][1] if len(confidences) > 1 else 0.0
    if best in allowed and value >= minimum and value - second >= margin:
        return best
    return None
