"""Write flows/schema.json, the JSON Schema of flow files, from the models that check them.

Run after changing a step type: .venv/bin/python scripts/write_flow_schema.py
(a test fails while the committed file is out of date).
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.flow.spec import json_schema  # noqa: E402

SCHEMA_FILE = ROOT / "flows" / "schema.json"


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE.relative_to(ROOT)}")
