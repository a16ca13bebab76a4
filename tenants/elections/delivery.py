"""Delivering the plan and the result to the district federation's approvals (registered in
``apps``). The outbox payloads carry counts only (they are federation facts too); the summary
the district needs — committee, seats, date, method, candidates and, for the result, who was
elected with how many votes: public information in an election — is read from the union's own
tables here, inside the delivery's transaction in the union's schema."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from approvals.services import approval_request_receive
from tenants.committees.models import Position
from tenants.events.models import OutboxEvent
from workershome.tenancy import current_schema

from .models import ElectionPlan


def _role(role: str) -> str:
    return str(Position.Role(role).label) if role in Position.Role.values else role


def plan_summary(plan: ElectionPlan) -> list[dict[str, str]]:
    rows = [
        {"label": _("Committee"), "value": plan.committee.name},
        {"label": _("New term"), "value": _("Term %(number)s, %(years)s years") % {
            "number": plan.term_number, "years": plan.term_years}},
        {"label": _("Election date"), "value": plan.election_date.isoformat()},
        {"label": _("Voting method"), "value": str(plan.get_method_display())},
        {"label": _("Majority rule"), "value": str(plan.get_majority_base_display())},
        {"label": _("Eligible voters"), "value": str(plan.eligible_count)},
    ]  # fmt: skip
    if plan.opens_at and plan.closes_at:
        opens = timezone.localtime(plan.opens_at).strftime("%Y-%m-%d %H:%M")
        closes = timezone.localtime(plan.closes_at).strftime("%Y-%m-%d %H:%M")
        rows.append({"label": _("Ballot open"), "value": f"{opens} – {closes}"})
    for seat in plan.seats.all():
        names = [
            f"{c.member.name}（{c.introduction}）" if c.introduction else c.member.name
            for c in plan.candidates.filter(role=seat.role).select_related("member")
        ]
        rows.append({
            "label": _("%(role)s: %(seats)s seat(s)") % {"role": _role(seat.role), "seats": seat.seats},
            "value": "\n".join(names),
        })  # fmt: skip
    if plan.notes:
        rows.append({"label": _("Notes"), "value": plan.notes})
    return rows


def result_summary(plan: ElectionPlan) -> list[dict[str, str]]:
    rows = [
        {"label": _("Committee"), "value": plan.committee.name},
        {"label": _("Election date"), "value": plan.election_date.isoformat()},
        {"label": _("Voting method"), "value": str(plan.get_method_display())},
        {"label": _("Ballots"), "value": _("%(issued)s issued, %(cast)s cast, %(invalid)s invalid; %(eligible)s eligible") % {
            "issued": plan.ballots_issued, "cast": plan.ballots_cast, "invalid": plan.ballots_invalid,
            "eligible": plan.eligible_count}},
        {"label": _("Majority rule"), "value": str(plan.get_majority_base_display())},
    ]  # fmt: skip
    for seat in plan.seats.all():
        lines = [
            f"{c.member.name} {c.votes} {_('elected') if c.elected else _('not elected')}"
            for c in plan.candidates.filter(role=seat.role)
            .select_related("member")
            .order_by("-votes", "order")
        ]
        rows.append({
            "label": _("%(role)s: %(seats)s seat(s)") % {"role": _role(seat.role), "seats": seat.seats},
            "value": "\n".join(lines),
        })  # fmt: skip
    return rows


def _deliver(event: OutboxEvent, *, kind: str) -> None:
    plan = ElectionPlan.objects.select_related("committee").get(uuid=event.payload["plan"])
    with translation.override("zh-hans"):
        if kind == "election_plan":
            title = _("Election plan: %(plan)s") % {"plan": str(plan)}
            summary = plan_summary(plan)
        else:
            title = _("Election result: %(plan)s") % {"plan": str(plan)}
            summary = result_summary(plan)
    approval_request_receive(
        union_schema=current_schema(), event_id=event.pk, kind=kind, object_uuid=plan.uuid,
        title=title, summary=summary, submitted_at=event.occurred_at,
    )  # fmt: skip


def plan_submitted_deliver(event: OutboxEvent) -> None:
    _deliver(event, kind="election_plan")


def result_submitted_deliver(event: OutboxEvent) -> None:
    _deliver(event, kind="election_result")
