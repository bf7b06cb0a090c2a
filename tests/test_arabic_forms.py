"""Arabic texts address everyone: no masculine-only 'you' forms (the reviewer found them all masculine).

Arabic verbs and imperatives to one person are masculine or feminine ("تريد" / "تريدين",
"اكتب" / "اكتبي"). The texts use forms that fit everyone: a verbal noun ("يُرجى إرسال الرقم",
"يكفي إرسال 'توقف'"), a question about what suits them ("هل يناسبك"), or both forms side by
side ("تريد/تريدين"). What people write (.words, .phrases) is left out: they write as they are.
"""

import re

from bot.config import ROOT
from bot.i18n import Catalogs

CATALOGS = Catalogs.load(ROOT / "translations")
# Second-person masculine forms the catalog held; each is fine only with its feminine form after a slash.
MASCULINE = {
    "تريد", "تستطيع", "تحتاج", "تأكل", "تتكلم", "تتعلم", "تتعلمه", "تتمنى", "تأمل", "تثق", "تكتب", "ترسل",
    "تجيب", "تفعل", "تغيّر", "تلغي", "تلغيه", "تحتفل", "تتدرب", "تكسب", "تتعرف", "تصل", "لترى", "تضيف", "تُحضر",
    "اختر", "اكتب", "اكتبه", "اكتبها", "أجب", "قل", "انتظر", "تكلّم", "أخبرنا", "ستأتي", "ستتأخر",
}  # fmt: skip
WORD = re.compile(r"[\u0600-\u06ff]+(?!/)")
# The imperative 'send!' looks like 'I send'; as an imperative it is followed by what to send.
SEND_IMPERATIVE = re.compile(r"(?:^|[\s.،؟!])أرسل\s+(?!لك|إليك)")


def texts() -> dict[str, str]:
    return {
        key: CATALOGS.text("ar", key)
        for key in CATALOGS.keys("ar")
        if not key.endswith((".words", ".phrases", "self_name"))
    }


def test_no_arabic_text_speaks_to_men_only() -> None:
    found = {key: sorted(set(WORD.findall(text)) & MASCULINE) for key, text in texts().items()}
    assert {key: words for key, words in found.items() if words} == {}


def test_no_arabic_text_orders_in_the_masculine_send() -> None:
    assert [key for key, text in texts().items() if SEND_IMPERATIVE.search(text)] == []


def test_both_forms_side_by_side_are_fine() -> None:
    assert not set(WORD.findall("هل تريد/تريدين إلغاء موعد؟")) & MASCULINE
    assert set(WORD.findall("هل تريد إلغاء موعد؟")) & MASCULINE == {"تريد"}
    assert SEND_IMPERATIVE.search("أرسل الرقم.") and not SEND_IMPERATIVE.search("لن أرسل لك رسائل.")
