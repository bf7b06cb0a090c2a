"""The step types: one module each in this package, gathered into one discriminated union on `type`.

Adding a type is adding a module here (a `StepBase` subclass with `type: Literal["..."]`)
and its tests; nothing else needs to know about it.
"""

import importlib
import pkgutil
from typing import Annotated, Union

from pydantic import Field

from bot.flow.steps.base import HALT, Choice, Question, StepBase


def _step_types() -> dict[str, type[StepBase]]:
    """Type name -> model, from every module of this package."""
    found: dict[str, type[StepBase]] = {}
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    todo = list(StepBase.__subclasses__())
    while todo:
        model = todo.pop()
        todo += model.__subclasses__()
        annotation = model.model_fields.get("type")
        if annotation is not None:
            (name,) = annotation.annotation.__args__
            found[name] = model
    return dict(sorted(found.items()))


STEP_TYPES = _step_types()
# A step of any type; pydantic picks the model by `type`.
Step = Annotated[Union[tuple(STEP_TYPES.values())], Field(discriminator="type")]  # noqa: UP007

__all__ = ["HALT", "STEP_TYPES", "Choice", "Question", "Step", "StepBase"]
