"""The tasks that carry a referral into a union's schema, registered by the union app that
sends and receives referrals (the portal never imports union apps): the sender's sync of the
receiver's change, and the sister union's notice that a referral arrived."""

from __future__ import annotations

from typing import Any

_sync: dict[str, Any] = {}


def referral_sync_task_register(task: Any) -> None:
    _sync["task"] = task


def referral_sync_task() -> Any:
    return _sync.get("task")


def referral_received_task_register(task: Any) -> None:
    _sync["received"] = task


def referral_received_task() -> Any:
    return _sync.get("received")
