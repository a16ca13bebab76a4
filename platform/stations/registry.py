"""The task that carries a station's change back into the union's schema, registered by the
union app that sends referrals (the portal never imports union apps)."""

from __future__ import annotations

from typing import Any

_sync: dict[str, Any] = {}


def referral_sync_task_register(task: Any) -> None:
    _sync["task"] = task


def referral_sync_task() -> Any:
    return _sync.get("task")
