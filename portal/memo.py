"""Values that depend only on their key (an address built from a path and query, a browser's
Accept-Language header), kept in this process without a lifetime or a generation: what they
are built from never changes while the process runs. Below every feature and shared service, so
any of them (the language choice, the page addresses, the cache) can keep one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """At most ``size`` values, then it starts again."""

    def __init__(self, size: int = 5000) -> None:
        self.size = size
        self._values: dict[Any, Any] = {}

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Any, compute: Callable[[], T]) -> T:
        value = self._values.get(key)
        if value is None:
            if len(self._values) >= self.size:
                self._values.clear()
            value = self._values[key] = compute()
        return value
