"""The kinds of approval the platform knows, each registered by the union app that asks for it.

A kind has a label (shown on the portal) and the Celery task that carries a decision back into
the union's schema: ``task.delay(approval_id=…)`` is queued in the union's schema after the
decision commits, and the task reads the decision from ``ApprovalRequest`` (public) by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ApprovalKind:
    code: str
    label: Any
    decided_task: Any


_kinds: dict[str, ApprovalKind] = {}


def approval_kind_register(code: str, *, label: Any, decided_task: Any) -> None:
    _kinds[code] = ApprovalKind(code=code, label=label, decided_task=decided_task)


def approval_kind(code: str) -> ApprovalKind | None:
    return _kinds.get(code)
