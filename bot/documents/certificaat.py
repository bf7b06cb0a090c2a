"""The certificate of participation: bilingual, at the end (the seed's phase 6: "eventueel een
getuigschrift of certificaat"). Their name, where, the period, thanks, who signs."""

from bot.documents.facts import Facts
from bot.documents.paper import Paper, Section, Texts
from bot.documents.werkafspraken import made_on, period


def build(facts: Facts, texts: Texts) -> Paper:
    rows = [texts.row("paper.certificaat.text", {"name": facts.name, "organisation": facts.organisation})]
    if facts.first_day and facts.last_day:
        rows.append(period(facts, texts))
    if facts.placement.role:
        rows.append(texts.row("paper.certificaat.role", {"role": facts.placement.role}))
    rows.append(texts.row("paper.certificaat.thanks"))
    footer = [made_on(facts, texts)]
    if facts.coordinator is not None:
        signer = {"name": facts.coordinator.name, "organisation": facts.organisation}
        footer.insert(0, texts.pair("paper.certificaat.signed", signer))
    return Paper(
        kind="certificaat",
        language=facts.language,
        title=texts.pair("paper.certificaat.title"),
        sections=[Section(texts.pair("paper.certificaat.heading"), rows)],
        footer=footer,
    )
