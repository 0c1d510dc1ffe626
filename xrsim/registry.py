"""Extension points keyed by name (cost backends, schedulers, placements): one small
registry type, so that each kind registers, lists and reports an unknown name alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from xrsim.errors import SpecError

T = TypeVar("T")


class Registry(Generic[T]):
    """Classes registered under a name with ``@registry.register("name")``.

    ``field`` is the option a user sets to choose one; an unknown name is a SpecError on it.
    """

    def __init__(self, kind: str, field: str) -> None:
        self.kind = kind
        self.field = field
        self._classes: dict[str, type[T]] = {}

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        def decorate(cls: type[T]) -> type[T]:
            cls.name = name  # type: ignore[attr-defined]
            self._classes[name] = cls
            return cls

        return decorate

    def names(self) -> list[str]:
        return sorted(self._classes)

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def unknown(self, name: str) -> str:
        return f"unknown {self.kind} '{name}'; known: {', '.join(self.names())}"

    def get(self, name: str) -> type[T]:
        try:
            return self._classes[name]
        except KeyError:
            raise SpecError(None, self.field, self.unknown(name)) from None
