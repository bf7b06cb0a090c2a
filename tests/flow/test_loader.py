"""Flow files: every shipped one loads; a broken one is refused with file, step and problem."""

from pathlib import Path

import pytest

from bot.config import ROOT
from bot.flow.loader import FlowError, load_book, load_flow, load_flows
from bot.i18n import SUPPORTED_LANGUAGES, Catalogs

CATALOGS = Catalogs.load(ROOT / "translations")

VALID = """
spec_version: 1
id: demo
start: pick
fallback_languages: [nl, en]
steps:
  - id: pick
    type: choose_language
    text: language.choose
    languages: [nl, ar]
    next: hello
  - id: hello
    type: message
    text: welkom.welcome
    next: ask
  - id: ask
    type: choice
    text: menu.ask
    label: menu.ask
    choices:
      - {id: one, text: menu.intake}
      - {id: two, text: menu.nothing, next: done}
    next: check
  - id: check
    type: summary
    text: kennismaking.summary.intro
    fields: [ask]
    next: done
  - id: done
    type: end
"""


def write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_flow_loads() -> None:
    book = load_book(ROOT / "flows", CATALOGS)
    assert {"welkom", "taal", "menu", "kennismaking"} <= set(book.flows)
    assert all(flow.source.parent == ROOT / "flows" for flow in book.flows.values())
    assert {"help", "hulp"} <= book.global_words["help"] and "stop" in book.global_words["stop"]


def test_a_valid_flow_loads_with_words_for_its_languages(tmp_path: Path) -> None:
    flow = load_flow(write(tmp_path, VALID), CATALOGS)
    assert flow.start == "pick" and set(flow.steps) == {"pick", "hello", "ask", "check", "done"}
    number, names = flow.choice_words["pick"]["ar"]
    assert number == 2 and {"arabisch", "arabic", "العربية", "ar"} <= names
    assert flow.choice_words["ask"]["two"][0] == 2
    assert {"niets dank je", "nothing thank you"} <= flow.choice_words["ask"]["two"][1]
    assert "wat wil je doen stuur het nummer" in flow.choice_words["check#fields"]["ask"][1]


BROKEN = [
    ("next: hello", "next: nowhere", "step 'pick': next 'nowhere' is not a step"),
    ("start: pick", "start: nowhere", "start 'nowhere' is not a step"),
    ("text: welkom.welcome", "text: welkom.no_such_text", "step 'hello': text 'welkom.no_such_text' is missing in nl"),
    ("languages: [nl, ar]", "languages: [nl, xx]", "step 'pick': unknown language code 'xx'"),
    ("fallback_languages: [nl, en]", "fallback_languages: [klingon]", "unknown language code 'klingon'"),
    ("  - id: hello\n", "  - id: pick\n", "step 'pick': duplicate step id"),
    ("type: message", "type: telepathy", "step 'hello': type must be one of"),
    ("    next: hello\n", "    next: hello\n    nxet: hello\n", "step 'pick': unknown field(s) nxet"),
    ("    languages: [nl, ar]\n", "", "step 'pick': a choose_language step needs 'languages' and 'next'"),
    ("    next: ask\n", "", "step 'hello': 'next' is missing"),
    ("    next: check\n", "", "step 'ask': choice 'one' has no next"),
    (
        "      - {id: two, text: menu.nothing, next: done}",
        "      - {id: one, text: menu.nothing}",
        "step 'ask': duplicate choice id 'one'",
    ),
    ("    fields: [ask]", "    fields: [hello]", "step 'check': field 'hello' is not a question step"),
    ("    label: menu.ask\n", "", "step 'check': field 'ask' has no 'label' to show"),
    (
        "    type: end\n",
        "    type: signal\n    signal: fireworks\n    next: hello\n",
        "step 'done': signal must be one of",
    ),
    ("    text: menu.ask\n    label", "    label", "step 'ask': a choice step needs a 'text'"),
]


@pytest.mark.parametrize(("old", "new", "problem"), BROKEN, ids=[b[2][:40] for b in BROKEN])
def test_a_broken_flow_is_refused_with_the_path_to_the_problem(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(FlowError) as refused:
        load_flow(path, CATALOGS)
    assert str(refused.value).startswith(f"{path}: ")
    assert problem in str(refused.value)


def test_an_unreachable_step_is_refused(tmp_path: Path) -> None:
    text = VALID + "  - id: orphan\n    type: message\n    text: welkom.welcome\n    next: done\n"
    with pytest.raises(FlowError, match="step 'orphan' is unreachable from start 'pick'"):
        load_flow(write(tmp_path, text), CATALOGS)


def test_a_message_without_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match="step 'hello': a message step needs a 'text'"):
        load_flow(write(tmp_path, VALID.replace("    text: welkom.welcome\n", "")), CATALOGS)


def test_a_flow_started_by_another_must_exist(tmp_path: Path) -> None:
    for name in ("welkom", "taal", "menu"):
        (tmp_path / f"{name}.yaml").write_text((ROOT / "flows" / f"{name}.yaml").read_text())
    with pytest.raises(FlowError, match="step 'to_kennismaking': flow 'kennismaking' does not exist"):
        load_book(tmp_path, CATALOGS)


def test_the_book_needs_the_language_and_menu_flows(tmp_path: Path) -> None:
    write(tmp_path, VALID.replace("id: demo", "id: welkom"))
    with pytest.raises(FlowError, match="flow 'taal' is missing"):
        load_book(tmp_path, CATALOGS)


def test_a_text_missing_in_one_language_names_that_language(tmp_path: Path) -> None:
    texts = {lang: dict.fromkeys(CATALOGS.keys("nl"), "x") for lang in SUPPORTED_LANGUAGES}
    del texts["ti"]["welkom.welcome"]
    with pytest.raises(FlowError, match="text 'welkom.welcome' is missing in ti"):
        load_flow(write(tmp_path, VALID), Catalogs(texts))


@pytest.mark.parametrize("text", ["id: [unclosed", "- just\n- a list\n", "id: demo\nstart: pick\nsteps: []\n"])
def test_not_a_flow_at_all_is_refused(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(FlowError, match=f"^{path}: "):
        load_flow(path, CATALOGS)


def test_two_files_with_one_flow_id_are_refused(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, VALID, "b.yaml")
    with pytest.raises(FlowError, match="flow id 'demo' is also used by"):
        load_flows(tmp_path, CATALOGS)
