"""The flow file format: its version, its shape as a pydantic model, and its JSON Schema.

A later change of the format raises SPEC_VERSION and adds a function to UPGRADES that
turns a file of the version before into the next, so older files keep loading.
"""

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.flow.outputs import PRODUCTS
from bot.flow.steps import Step

SPEC_VERSION = 1
# version -> a function that turns a file of that version into one of the next version.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

Product = Literal[tuple(PRODUCTS)]  # type: ignore[valid-type]


class FlowFile(BaseModel):
    """One file in flows/: a dialogue as a list of steps."""

    model_config = ConfigDict(extra="forbid", title="Welkom flow file")

    spec_version: Literal[1] = Field(description="the version of this format")
    id: str = Field(min_length=1)
    start: str = Field(min_length=1, description="the first step")
    fallback_languages: tuple[str, ...] = Field(
        default=("nl",), description="languages the prompts are shown in while the participant's is unknown"
    )
    produces: Product | None = Field(default=None, description="what the host makes of the outputs when it ends")
    steps: list[Step] = Field(min_length=1)


def upgraded(data: dict[str, Any]) -> dict[str, Any]:
    """A file's data in the current version; a version this code does not know is refused."""
    version = data.get("spec_version")
    while version in UPGRADES:
        data = UPGRADES[version](data)
        version = data.get("spec_version")
    if version != SPEC_VERSION:
        raise ValueError(f"spec_version must be {SPEC_VERSION} (found {version!r})")
    return data


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a flow file, for editors (flows/schema.json is this, written out)."""
    return FlowFile.model_json_schema()
