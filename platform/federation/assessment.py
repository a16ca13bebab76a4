"""职工之家建设考核: the assessment's checklist (versioned criteria) and how each is scored.

Every criterion is scored automatically from the facts a union reported in the round's year
(``federation.models.Fact``, copied from the union's outbox) — never from the union's schema.
The five displays (五亮) and six haves (六有) come from the union's own home checklist, which the
union reports daily as ``home.checklist_counted``; the four standards (四化) and the
"software" (organisation, elections on time, the congress, appraisal, archives, plans) from
the events its modules emit. A district administrator may override a criterion's points after
a site visit; that lives in ``assessment.models.CriterionScore``.

A criterion that cannot be assessed yet (the requirement's feature does not exist, e.g. 有对接,
which the union's checklist reports as pending) scores ``None`` and is left out of the possible
points rather than failed: the percentage is earned over possible.

Ratings (``RATINGS``), on that percentage: below 60 未达标 (not up to standard); 60 达标 (up to
standard, the pass mark of a percentage scale); 80 先进职工之家 (advanced); 90 模范职工之家
(model). The federation may change them with the ``ASSESSMENT_RATING_THRESHOLDS`` setting.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cms.checklist import checklist_item_label, missing_sentence

CHECKLIST_EVENT = "home.checklist_counted"

FIVE_DISPLAYS = "five_displays"
FOUR_STANDARDS = "four_standards"
SIX_HAVES = "six_haves"
SOFTWARE = "software"
FAMILIES: dict[str, Promise] = {
    FIVE_DISPLAYS: _("Five displays (五亮)"),
    FOUR_STANDARDS: _("Four standards (四化)"),
    SIX_HAVES: _("Six haves (六有)"),
    SOFTWARE: _("Organisation and work (软件建设)"),
}

# Ratings: (code, lowest percentage, label), best first.
NOT_UP_TO_STANDARD = "below"
UP_TO_STANDARD = "standard"
ADVANCED = "advanced"
MODEL = "model"
RATING_LABELS: dict[str, Promise] = {
    NOT_UP_TO_STANDARD: _("Not up to standard"),
    UP_TO_STANDARD: _("Up to standard"),
    ADVANCED: _("Advanced Workers' Home"),
    MODEL: _("Model Workers' Home"),
}
DEFAULT_THRESHOLDS = {MODEL: 90, ADVANCED: 80, UP_TO_STANDARD: 60}


def rating_for(percent: Decimal | float | int) -> str:
    """The rating for a percentage, with the settings' thresholds (or the defaults)."""
    thresholds = {**DEFAULT_THRESHOLDS, **getattr(settings, "ASSESSMENT_RATING_THRESHOLDS", {})}
    for code in (MODEL, ADVANCED, UP_TO_STANDARD):
        if Decimal(str(percent)) >= Decimal(thresholds[code]):
            return code
    return NOT_UP_TO_STANDARD


def rating_label(code: str) -> str:
    return str(RATING_LABELS.get(code, ""))


@dataclass(frozen=True)
class FactRow:
    """The part of a fact a rule reads."""

    name: str
    occurred_at: datetime.datetime
    payload: dict


class Facts:
    """One union's facts up to the end of the year after the round's (a year's archives are
    reported early the next year), and helpers the rules read them with."""

    def __init__(self, year: int, rows: Iterable[FactRow]) -> None:
        self.year = year
        self.rows = sorted(rows, key=lambda row: row.occurred_at)

    def named(self, name: str) -> list[FactRow]:
        return [row for row in self.rows if row.name == name]

    def in_year(self, name: str) -> list[FactRow]:
        return [row for row in self.named(name) if row.occurred_at.year == self.year]

    def up_to_year(self, name: str) -> list[FactRow]:
        return [row for row in self.named(name) if row.occurred_at.year <= self.year]

    def for_year(self, name: str) -> list[FactRow]:
        """Facts about the round's year by their payload's ``year`` (plans, archives)."""
        return [row for row in self.named(name) if row.payload.get("year") == self.year]


@dataclass(frozen=True)
class Outcome:
    """A rule's answer: the share of the points earned (0–1, or ``None``: cannot be assessed)
    and what the facts showed."""

    share: float | None
    evidence: str


Rule = Callable[[Facts], Outcome]


@dataclass(frozen=True)
class Criterion:
    """One line of the checklist: a stable ``code``, its family, label, points, how it is scored
    (``source`` names the fact) and what the union does to earn it (``fix``)."""

    code: str
    family: str
    label: Promise
    points: int
    source: str
    how: Promise
    fix: Promise
    rule: Rule

    def score(self, facts: Facts) -> tuple[int | None, str]:
        outcome = self.rule(facts)
        if outcome.share is None:
            return None, outcome.evidence
        share = min(max(outcome.share, 0.0), 1.0)
        points = int(
            (Decimal(self.points) * Decimal(str(share))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )
        return points, outcome.evidence


# --- Rules ----------------------------------------------------------------------------------------


def checklist_requirement(requirement: str) -> Rule:
    """The union's latest reported home checklist in the year: every item serving
    ``requirement`` done gives full points, a share of them that share; pending items (a
    feature not built yet) are not counted, and a requirement with only pending items cannot be
    assessed."""

    def rule(facts: Facts) -> Outcome:
        reports = facts.in_year(CHECKLIST_EVENT)
        if not reports:
            return Outcome(0.0, gettext("The home checklist was not reported this year."))
        items = [
            item for item in reports[-1].payload.get("items", []) if item.get("requirement") == requirement
        ]
        counted = [item for item in items if item.get("status") != "pending"]
        if not counted:
            return Outcome(None, gettext("Cannot be assessed yet."))
        done = sum(1 for item in counted if item.get("ok"))
        missing = [checklist_item_label(str(item.get("code"))) for item in counted if not item.get("ok")]
        evidence = gettext("%(done)s of %(total)s checklist items done.") % {
            "done": done,
            "total": len(counted),
        }
        if missing:
            evidence += " " + missing_sentence(missing)
        return Outcome(done / len(counted), evidence)

    return rule


def count_in_year(name: str, target: int) -> Rule:
    """``target`` facts named ``name`` in the year give full points, fewer a share."""

    def rule(facts: Facts) -> Outcome:
        count = len(facts.in_year(name))
        return Outcome(min(count / target, 1.0), gettext("%(count)s in the year (target %(target)s).") % {
            "count": count, "target": target})  # fmt: skip

    return rule


def cases_on_time(facts: Facts) -> Outcome:
    closed = facts.in_year("case.closed")
    if not closed:
        return Outcome(0.0, gettext("No case closed this year."))
    on_time = sum(1 for row in closed if row.payload.get("on_time"))
    share = on_time / len(closed)
    evidence = gettext("%(on_time)s of %(total)s cases closed on time.") % {
        "on_time": on_time,
        "total": len(closed),
    }
    return Outcome(1.0 if share >= 0.9 else share, evidence)


def committee_in_place(facts: Facts) -> Outcome:
    started = facts.up_to_year("committee.term_started")
    if not started:
        return Outcome(0.0, gettext("No committee term recorded."))
    return Outcome(1.0, gettext("Committee term recorded (since %(date)s).") % {
        "date": started[-1].payload.get("starts_on", "")})  # fmt: skip


def elections_on_time(facts: Facts) -> Outcome:
    if not facts.up_to_year("committee.term_started"):
        return Outcome(0.0, gettext("No committee term recorded."))
    overdue = facts.in_year("committee.term_overdue")
    if overdue:
        return Outcome(0.0, gettext("A term renewal was overdue this year."))
    return Outcome(1.0, gettext("No term renewal overdue this year."))


def congress_held(facts: Facts) -> Outcome:
    sessions = facts.in_year("congress.session_held")
    if not sessions:
        return Outcome(0.0, gettext("No session of the workers' congress this year."))
    quorate = [row for row in sessions if float(row.payload.get("quorum_ratio", 0)) >= 2 / 3]
    if not quorate:
        return Outcome(0.5, gettext("A session was held without two thirds of the delegates present."))
    return Outcome(1.0, gettext("Session held on %(date)s with a quorum.") % {
        "date": quorate[-1].payload.get("held_on", "")})  # fmt: skip


def archives_complete(facts: Facts) -> Outcome:
    reports = facts.for_year("archives.year_reported")
    if not reports:
        return Outcome(0.0, gettext("The year's archives were not reported."))
    payload = reports[-1].payload
    if payload.get("complete"):
        return Outcome(1.0, gettext("The year's archives are complete."))
    present, missing = len(payload.get("categories", [])), len(payload.get("missing", []))
    share = present / (present + missing) if present + missing else 0.0
    return Outcome(
        share, gettext("Archives incomplete: %(missing)s categories missing.") % {"missing": missing}
    )


def plan_made(facts: Facts) -> Outcome:
    plans = facts.for_year("plan.made")
    if not plans:
        return Outcome(0.0, gettext("No work plan for the year."))
    return Outcome(
        1.0, gettext("Work plan adopted on %(date)s.") % {"date": plans[-1].payload.get("adopted_on", "")}
    )


def plan_summary(facts: Facts) -> Outcome:
    summaries = facts.for_year("plan.summary_written")
    if not summaries:
        return Outcome(0.0, gettext("No year-end summary written."))
    progress = float(summaries[-1].payload.get("progress", 0) or 0)
    progress = progress / 100 if progress > 1 else progress
    return Outcome(max(progress, 0.5), gettext("Summary written; %(progress)s%% of the plan done.") % {
        "progress": round(progress * 100)})  # fmt: skip


def _payload_flag(name: str, ok: Promise, missing: Promise) -> Rule:
    """Full points when at least one fact named ``name`` happened in the year."""

    def rule(facts: Facts) -> Outcome:
        return Outcome(1.0, str(ok)) if facts.in_year(name) else Outcome(0.0, str(missing))

    return rule


# --- The checklists -------------------------------------------------------------------------------


def _checklist_2026() -> list[Criterion]:
    c = Criterion
    cl = "home.checklist_counted"
    how_cl = _("From the union's home checklist (reported daily).")
    return [
        # 五亮
        c("display_sign", FIVE_DISPLAYS, _("Name plate displayed (亮牌子)"), 4, cl, how_cl,
          _("Add the address, opening hours and a logo or photo on the home page."),
          checklist_requirement("sign")),
        c("display_identity", FIVE_DISPLAYS, _("Identity displayed (亮身份)"), 4, cl, how_cl,
          _("Publish the chairman's contact and give every staff member a badge number."),
          checklist_requirement("identity")),
        c("display_rules", FIVE_DISPLAYS, _("Rules displayed (亮制度)"), 3, cl, how_cl,
          _("Publish the home's rules on the site."), checklist_requirement("rules")),
        c("display_services", FIVE_DISPLAYS, _("Services displayed (亮项目)"), 4, cl, how_cl,
          _("Publish a service for every duty and keep the bulletin up to date."),
          checklist_requirement("services")),
        c("display_procedures", FIVE_DISPLAYS, _("Procedures displayed (亮程序)"), 3, cl, how_cl,
          _("Publish a procedure for every kind of case."), checklist_requirement("procedures")),
        # 六有
        c("has_venue", SIX_HAVES, _("Has a venue (有场地)"), 4, cl, how_cl,
          _("Declare the home's rooms, including mediation, stress relief and library."),
          checklist_requirement("venue")),
        c("has_facilities", SIX_HAVES, _("Has facilities (有设施)"), 3, cl, how_cl,
          _("List each room's equipment."), checklist_requirement("facilities")),
        c("has_staff", SIX_HAVES, _("Has staff (有人员)"), 3, cl, how_cl,
          _("List the people who run the home."), checklist_requirement("staff")),
        c("has_activities", SIX_HAVES, _("Has activities (有活动)"), 3, cl, how_cl,
          _("Hold activities regularly (at least one every three months)."),
          checklist_requirement("activities")),
        c("has_brand", SIX_HAVES, _("Has a service brand (有品牌)"), 3, cl, how_cl,
          _("Publish at least one service brand."), checklist_requirement("brand")),
        c("has_docking", SIX_HAVES, _("Has docking (有对接)"), 3, cl, how_cl,
          _("Dock with sister unions, the station and the federation."), checklist_requirement("docking")),
        # 四化
        c("standard_activities", FOUR_STANDARDS, _("Activities held regularly (活动经常化)"), 5, "activity.held",
          _("Activities held in the year; 12 give full points."),
          _("Hold about one activity a month and close each one in the system."),
          count_in_year("activity.held", 12)),
        c("standard_services", FOUR_STANDARDS, _("Services to standard (服务规范化)"), 5, "case.closed",
          _("Share of cases closed on time; nine in ten give full points."),
          _("Close workers' requests and cases within their time limit."), cases_on_time),
        c("standard_management", FOUR_STANDARDS, _("Management by rules (管理制度化)"), 4,
          "mechanism.joint_meeting_held", _("Joint meetings held in the year; 2 give full points."),
          _("Hold the joint meetings with the employer and record them."),
          count_in_year("mechanism.joint_meeting_held", 2)),
        c("standard_training", FOUR_STANDARDS, _("Trained staff (队伍专业化)"), 3, "training.session_held",
          _("Training sessions held in the year; 2 give full points."),
          _("Run training sessions and record attendance."), count_in_year("training.session_held", 2)),
        # 软件建设
        c("org_committee", SOFTWARE, _("Union committee in place (组织健全)"), 4, "committee.term_started",
          _("A committee term has been recorded."), _("Record the committee and its current term."),
          committee_in_place),
        c("org_elections", SOFTWARE, _("Elections held on time (按期换届)"), 5, "committee.term_overdue",
          _("No term renewal overdue in the year."), _("Hold the election before the term ends."),
          elections_on_time),
        c("org_congress", SOFTWARE, _("Workers' congress held (职代会)"), 5, "congress.session_held",
          _("A session with two thirds of the delegates present in the year."),
          _("Hold the yearly session of the workers' congress."), congress_held),
        c("org_disclosure", SOFTWARE, _("Affairs made public (厂务公开)"), 3, "congress.disclosure_published",
          _("At least one disclosure published in the year."), _("Publish the employer's affairs to workers."),
          _payload_flag("congress.disclosure_published", _("Disclosure published this year."),
                        _("No disclosure published this year."))),
        c("org_appraisal", SOFTWARE, _("Democratic appraisal (民主评议)"), 3, "appraisal.round_closed",
          _("An appraisal round closed in the year."), _("Run the yearly democratic appraisal."),
          _payload_flag("appraisal.round_closed", _("An appraisal round closed this year."),
                        _("No appraisal round this year."))),
        c("org_archives", SOFTWARE, _("Archives complete (档案齐全)"), 4, "archives.year_reported",
          _("The year's archives reported complete."), _("Archive every category of the year's records and report."),
          archives_complete),
        c("org_plan", SOFTWARE, _("Yearly work plan (工作计划)"), 3, "plan.made",
          _("A work plan for the year was adopted."), _("Adopt the year's work plan."), plan_made),
        c("org_summary", SOFTWARE, _("Year-end summary (工作总结)"), 3, "plan.summary_written",
          _("The year-end summary written; points follow the plan's progress (at least half)."),
          _("Write the year-end summary and finish the plan's items."), plan_summary),
        c("org_roster", SOFTWARE, _("Member roster kept (会员名册)"), 3, "membership.roster_counted",
          _("The member roster was counted in the year."), _("Keep the member roster up to date."),
          _payload_flag("membership.roster_counted", _("Roster counted this year."), _("Roster not counted this year."))),
        c("org_reports", SOFTWARE, _("Information sent up (信息报送)"), 3, "report.sent",
          _("Reports sent to the federation in the year; 4 give full points."),
          _("Send information reports to the federation every quarter."), count_in_year("report.sent", 4)),
        c("service_mediation", SOFTWARE, _("Dispute mediation (劳动争议调解)"), 2, "mediation.consultation_logged",
          _("Consultations logged in the year."), _("Log workers' consultations in mediation."),
          _payload_flag("mediation.consultation_logged", _("Consultations logged this year."),
                        _("No consultation logged this year."))),
        c("service_counselling", SOFTWARE, _("Counselling (心理疏导)"), 2, "counselling.appointment_held",
          _("Counselling appointments held in the year."), _("Offer counselling appointments or lectures."),
          _payload_flag("counselling.appointment_held", _("Counselling held this year."),
                        _("No counselling held this year."))),
        c("service_library", SOFTWARE, _("Workers' library in use (职工书屋)"), 2, "library.loaned",
          _("Books lent in the year."), _("Lend books from the workers' library."),
          _payload_flag("library.loaned", _("Books lent this year."), _("No book lent this year."))),
        c("service_hardship", SOFTWARE, _("Help for workers in hardship (困难帮扶)"), 2, "hardship.assistance",
          _("Assistance given in the year."), _("Record the help given to workers in hardship."),
          _payload_flag("hardship.assistance", _("Assistance given this year."), _("No assistance recorded this year."))),
        c("service_groups", SOFTWARE, _("Interest groups (兴趣小组)"), 2, "groups.group_created",
          _("Interest groups created up to the year."), _("Set up interest groups for members."),
          lambda facts: Outcome(1.0, gettext("Interest groups exist."))
          if facts.up_to_year("groups.group_created") else Outcome(0.0, gettext("No interest group."))),
    ]  # fmt: skip


CHECKLISTS: dict[str, Callable[[], list[Criterion]]] = {"2026": _checklist_2026}
CURRENT_VERSION = "2026"


def checklist(version: str) -> list[Criterion]:
    """The criteria of a checklist version (``KeyError`` for an unknown one)."""
    return CHECKLISTS[version]()


def fact_names(criteria: Iterable[Criterion]) -> set[str]:
    """The facts the criteria read (every rule reads its ``source``; the elections rule also the
    terms started)."""
    return {criterion.source for criterion in criteria} | {"committee.term_started"}
