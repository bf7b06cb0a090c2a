"""The flow file format: its version, one model per step type, and the JSON Schema editors use."""

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import ROOT
from bot.flow import spec, steps
from bot.flow.loader import FlowError, load_flow
from bot.flow.steps import STEP_TYPES
from bot.i18n import Catalogs
from tests.flow.test_loader import VALID, write

CATALOGS = Catalogs.load(ROOT / "translations")


def test_the_committed_schema_is_the_one_the_models_give() -> None:
    committed = json.loads((ROOT / "flows" / "schema.json").read_text(encoding="utf-8"))
    assert committed == spec.json_schema(), "run: .venv/bin/python scripts/write_flow_schema.py"


def test_the_schema_script_writes_it(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "write_flow_schema.py"
    code = f"import runpy; g = runpy.run_path({str(script)!r}); print(g['schema_text']())"
    written = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(written) == spec.json_schema()


def test_every_step_type_is_one_module_named_after_it() -> None:
    modules = {m.name for m in pkgutil.iter_modules(steps.__path__)} - {"base"}
    assert modules == set(STEP_TYPES)
    schema_types = {
        d["properties"]["type"]["const"] for d in spec.json_schema()["$defs"].values() if "type" in d["properties"]
    }
    assert schema_types == set(STEP_TYPES)


@pytest.mark.parametrize("kind", sorted(STEP_TYPES))
def test_every_step_type_refuses_a_field_it_does_not_have(kind: str) -> None:
    with pytest.raises(ValidationError) as refused:
        STEP_TYPES[kind].model_validate({"id": "a", "type": kind, "colour": "blue"})
    assert any(e["type"] == "extra_forbidden" and e["loc"] == ("colour",) for e in refused.value.errors())


@pytest.mark.parametrize(
    ("line", "found"), [("spec_version: 2\n", "2"), ("", "None"), ("spec_version: one\n", "'one'")]
)
def test_an_unknown_spec_version_is_refused(tmp_path: Path, line: str, found: str) -> None:
    path = write(tmp_path, VALID.replace("spec_version: 1\n", line))
    with pytest.raises(FlowError, match=f"demo.yaml: spec_version must be 1 \\(found {found}\\)"):
        load_flow(path, CATALOGS)


def test_an_older_version_is_upgraded_before_it_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def rename_first_step(data: dict) -> dict:
        first = data.pop("begin")
        return {**data, "spec_version": 1, "start": first}

    monkeypatch.setitem(spec.UPGRADES, 0, rename_first_step)
    path = write(tmp_path, VALID.replace("spec_version: 1\n", "spec_version: 0\n").replace("start:", "begin:"))
    assert load_flow(path, CATALOGS).start == "pick"


def test_the_engine_and_its_step_types_import_nothing_that_talks_to_the_world() -> None:
    code = "import sys, bot.flow.engine, bot.flow.steps; print(' '.join(sys.modules))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    assert not loaded & {"flask", "redis", "rq", "sqlalchemy", "sqlmodel", "requests", "twilio", "psycopg"}


SHAPES = [
    (
        "      - {id: one, text: menu.intake}",
        "      - {id: one, text: menu.intake, nxt: done}",
        "step 'ask': choices 1: unknown field 'nxt'",
    ),
    (
        "      - {id: one, text: menu.intake}",
        "      - {id: one}",
        "step 'ask': every choice needs an 'id' and a 'text'",
    ),
    (
        "    languages: [nl, ar]",
        "    languages: [nl, [ar]]",
        "step 'pick': languages 2: input should be a valid string",
    ),
    ("fallback_languages: [nl, en]", "fallback_languages: [nl, en]\ncolour: blue", "demo.yaml: unknown field 'colour'"),
    ("  - id: hello\n", "  - id: 7\n", "demo.yaml: step 2: every step needs an 'id'"),
]


@pytest.mark.parametrize(("old", "new", "problem"), SHAPES, ids=[s[2][-30:] for s in SHAPES])
def test_a_badly_shaped_file_is_refused_saying_where(tmp_path: Path, old: str, new: str, problem: str) -> None:
    assert old in VALID
    with pytest.raises(FlowError) as refused:
        load_flow(write(tmp_path, VALID.replace(old, new, 1)), CATALOGS)
    assert problem in str(refused.value)


def test_a_number_as_a_choice_id_is_that_number_as_text(tmp_path: Path) -> None:
    flow = load_flow(
        write(tmp_path, VALID.replace("{id: one, text: menu.intake}", "{id: 15, text: menu.intake}")), CATALOGS
    )
    assert flow.steps["ask"].choices[0].id == "15"
