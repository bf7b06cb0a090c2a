"""Flows declare what they produce; a flow whose outputs do not match what the host reads is refused at start-up."""

import shutil
from pathlib import Path

import pytest

from bot import absences, appointments
from bot.config import ROOT
from bot.flow import engine
from bot.flow.events import FlowEnded
from bot.flow.loader import FlowError, load_book
from bot.flow.model import Input
from bot.flow.outputs import PRODUCTS
from bot.i18n import Catalogs
from tests.flow.test_engine import NOW

CATALOGS = Catalogs.load(ROOT / "translations")
APPOINTMENT = {"id": 7, "when": "dinsdag 1 december 09:00", "place": "Kringloop"}


@pytest.fixture
def flows(tmp_path: Path) -> Path:
    """A copy of the shipped flows, to change one file in."""
    return Path(shutil.copytree(ROOT / "flows", tmp_path / "flows"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_every_product_has_the_one_flow_that_saves_all_its_outputs() -> None:
    book = load_book(ROOT / "flows", CATALOGS)
    for product, outputs in PRODUCTS.items():
        flow = book.producer(product)
        assert {output: flow.step_saving(output) is not None for output in outputs} == dict.fromkeys(outputs, True)


def test_renaming_the_output_of_a_step_the_host_reads_is_refused_naming_file_step_and_output(flows: Path) -> None:
    edit(flows / "afmelden.yaml", "save_as: absence.reason\n", "save_as: absence.why\n")
    with pytest.raises(FlowError) as refused:
        load_book(flows, CATALOGS)
    assert str(refused.value).startswith(f"{flows / 'afmelden.yaml'}: step 'reason': output 'absence.why' is not one")


def test_a_step_the_host_reads_that_no_longer_saves_its_output_is_refused(flows: Path) -> None:
    edit(flows / "kennismaking.yaml", "    save_as: intake.days\n", "")
    with pytest.raises(FlowError, match="kennismaking.yaml: output 'intake.days' of product 'intake' is saved by no"):
        load_book(flows, CATALOGS)


def test_renaming_a_step_keeps_what_the_host_reads(flows: Path) -> None:
    edit(flows / "afmelden.yaml", "id: reason\n", "id: why\n")
    edit(flows / "afmelden.yaml", "next: reason}", "next: why}")
    edit(flows / "afmelden.yaml", "fields: [how_late, late_words, reason,", "fields: [how_late, late_words, why,")
    book = load_book(flows, CATALOGS)
    facts = {"language": "nl", "appointments": [APPOINTMENT], "absence_kind": "cancel"}
    run, _ = engine.start(book, "afmelden", facts, NOW)
    run, _ = engine.resume(book, run, Input("1"), NOW)  # sick
    _, events = engine.resume(book, run, Input("1"), NOW)  # the summary is right
    [ended] = [e for e in events if isinstance(e, FlowEnded)]
    assert ended.produces == "absence" and ended.outputs == {"absence.reason": "sick"}


def test_an_output_saved_twice_is_refused(flows: Path) -> None:
    edit(
        flows / "kennismaking.yaml",
        "  - id: country\n    type: text\n",
        "  - id: country\n    type: text\n    save_as: participant.name\n",
    )
    with pytest.raises(FlowError, match="step 'country': output 'participant.name' is also saved by step 'name'"):
        load_book(flows, CATALOGS)


def test_an_output_in_a_flow_that_produces_nothing_is_refused(flows: Path) -> None:
    edit(flows / "menu.yaml", "    type: choice\n", "    type: choice\n    save_as: absence.kind\n")
    with pytest.raises(FlowError, match="menu.yaml: step 'menu': output 'absence.kind' is not one of this flow"):
        load_book(flows, CATALOGS)


def test_an_unknown_product_is_refused(flows: Path) -> None:
    edit(flows / "afmelden.yaml", "produces: absence\n", "produces: absences\n")
    expected = "afmelden.yaml: 'produces' input should be 'intake', 'absence', 'question', 'checkin' or 'ending'"
    with pytest.raises(FlowError, match=expected):
        load_book(flows, CATALOGS)


def test_two_flows_producing_one_product_are_refused(flows: Path) -> None:
    shutil.copy(flows / "herinnering.yaml", flows / "vraag.yaml")
    edit(flows / "vraag.yaml", "id: herinnering\n", "id: vraag\n")
    with pytest.raises(FlowError, match="vraag.yaml: flow 'herinnering' already produces 'question'"):
        load_book(flows, CATALOGS)


def test_a_longer_name_than_the_host_stores_is_refused(flows: Path) -> None:
    edit(flows / "kennismaking.yaml", "    translate: false\n", "    translate: false\n    max_length: 500\n")
    with pytest.raises(FlowError, match="step 'name': max_length 500 is more than output 'participant.name' holds"):
        load_book(flows, CATALOGS)


def test_an_output_saved_from_another_kind_of_answer_is_refused(flows: Path) -> None:
    edit(flows / "kennismaking.yaml", "    save_as: participant.reminders\n", "")
    edit(
        flows / "kennismaking.yaml",
        "  - id: country\n    type: text\n",
        "  - id: country\n    type: text\n    save_as: participant.reminders\n",
    )
    with pytest.raises(
        FlowError, match="step 'country': output 'participant.reminders' takes a yes_no answer, which a text"
    ):
        load_book(flows, CATALOGS)


def test_a_choice_the_host_cannot_make_sense_of_is_refused(flows: Path) -> None:
    edit(flows / "kennismaking.yaml", "{id: sun, text: common.day.sun}", "{id: sunday, text: common.day.sun}")
    with pytest.raises(FlowError, match="step 'days': output 'intake.days' has no choice 'sunday' \\(only fri, mon, "):
        load_book(flows, CATALOGS)


def test_the_choices_the_registry_lists_are_those_the_host_knows() -> None:
    assert PRODUCTS["intake"]["intake.days"].choices == set(appointments.WEEKDAYS)
    assert PRODUCTS["intake"]["intake.day_parts"].choices == set(appointments.DAY_PARTS)
    assert PRODUCTS["absence"]["absence.kind"].choices == {absences.CANCEL, absences.LATE}
