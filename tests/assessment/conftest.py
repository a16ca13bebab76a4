from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from assessment.models import AssessmentRound
from assessment.services import round_open
from federation.models import Fact
from tenants.registry.models import Union

YEAR = 2026


def at(month: int = 6, day: int = 1, year: int = YEAR) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=timezone.get_current_timezone())


def fact(
    union: Union, name: str, payload: dict | None = None, *, when: datetime.datetime | None = None
) -> Fact:
    """A fact as the union's outbox delivery writes it."""
    return Fact.objects.create(
        event_id=uuid.uuid4(),
        union=union,
        district=union.district,
        street=union.street,
        name=name,
        occurred_at=when or at(),
        payload=payload or {},
    )


def checklist_payload(missing: tuple[str, ...] = ()) -> dict:
    """A ``home.checklist_counted`` payload: every item done except ``missing``; docking pending."""
    items = [
        ("name_plate", "sign"), ("chairman_contact", "identity"), ("staff_badges", "identity"),
        ("rules_published", "rules"), ("services_published", "services"), ("bulletin_updated", "services"),
        ("procedures_published", "procedures"), ("rooms_declared", "venue"), ("room_equipment", "facilities"),
        ("staff_listed", "staff"), ("activities_held", "activities"), ("service_brand", "brand"),
    ]  # fmt: skip
    rows = [
        {
            "code": code,
            "requirement": req,
            "status": "missing" if code in missing else "done",
            "ok": code not in missing,
        }
        for code, req in items
    ]
    rows.append({"code": "docking", "requirement": "docking", "status": "pending", "ok": False})
    return {"items": rows, "done": len(items) - len(missing), "missing": len(missing), "total": len(rows)}


@pytest.fixture
def assessment_round(db) -> AssessmentRound:
    return round_open(year=YEAR)
