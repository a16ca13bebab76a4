"""Writes of the proposal campaign: campaigns, submissions, scores, decisions, awards, results.

Each function checks everything before it changes anything and raises ``ServiceError`` with a
Chinese message (through gettext) when it refuses; each runs in one transaction. Moving a
proposal along its procedure is always ``case_transition``: the case engine refuses a step the
published procedure does not allow, or a person without the step's role.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile
from tenants.cases.kinds import CaseKind
from tenants.cases.models import Case
from tenants.cases.procedures import machine_for
from tenants.cases.roles import roles_of, staff_users_for
from tenants.cases.services import case_open, case_transition
from tenants.events.services import event_emit
from tenants.notifications.services import notify
from tenants.users.models import User
from workershome.errors import Conflict, ServiceError

from . import selectors
from .models import AwardLevel, Proposal, ProposalCampaign, ProposalScore, ScoringCriterion

DEFAULT_CRITERIA: tuple[tuple[str, int, str], ...] = (
    ("创新性", 25, "思路新颖，在本单位首次提出或有明显改进"),
    ("可行性", 25, "技术上、管理上可以实施，投入合理"),
    ("经济效益", 30, "节约成本、提高效率或增加收益的程度"),
    ("推广价值", 20, "能否在其他班组、部门推广应用"),
)
DEFAULT_AWARDS: tuple[tuple[str, Decimal], ...] = (
    ("一等奖", Decimal(3000)),
    ("二等奖", Decimal(2000)),
    ("三等奖", Decimal(1000)),
    ("优秀奖", Decimal(300)),
)
MAX_CO_PROPOSERS = 5
MAX_TEXT = 5000


# --- Campaigns -------------------------------------------------------------------------------


def _campaign_check(campaign: ProposalCampaign, *, criteria: list[ScoringCriterion],
                    awards: list[AwardLevel], panel: list[User]) -> None:  # fmt: skip
    if campaign.pk is not None:
        stored = ProposalCampaign.objects.select_for_update().get(pk=campaign.pk)
        if stored.results_published_at is not None:
            raise Conflict(
                "campaign_published",
                _("The results of this campaign are published; it can no longer change."),
            )
    if not campaign.year or not 2000 <= int(campaign.year) <= 2100:
        raise ServiceError("campaign_year", _("Give the campaign's year (2000–2100)."), field="year")
    if ProposalCampaign.objects.filter(year=campaign.year).exclude(pk=campaign.pk).exists():
        raise Conflict(
            "campaign_year_taken",
            _("There is already a campaign for %(year)s."),
            params={"year": campaign.year},
            field="year",
        )
    campaign.title = (campaign.title or "").strip()
    if not campaign.title:
        raise ServiceError("campaign_title", _("Give the campaign a title."), field="title")
    opens, closes, ends = campaign.submission_opens, campaign.submission_closes, campaign.evaluation_ends
    if not (opens and closes and ends):
        raise ServiceError(
            "campaign_dates", _("Give the three dates of the campaign."), field="submission_opens"
        )
    if not opens < closes:
        raise ServiceError(
            "campaign_dates_order",
            _("Submissions must close after they open."),
            field="submission_closes",
        )
    if not closes < ends:
        raise ServiceError(
            "campaign_dates_order",
            _("The evaluation must end after submissions close."),
            field="evaluation_ends",
        )
    if campaign.score_max not in (10, 100):
        raise ServiceError("campaign_scale", _("Score on 0–10 or on 0–100."), field="score_max")
    if not criteria:
        raise ServiceError("criteria_missing", _("Give at least one scoring criterion."), field="criteria")
    names = [(c.name or "").strip() for c in criteria]
    if not all(names):
        raise ServiceError("criterion_name", _("Every criterion needs a name."), field="criteria")
    if len(set(names)) != len(names):
        raise ServiceError("criterion_duplicate", _("Two criteria have the same name."), field="criteria")
    weights = []
    for criterion in criteria:
        try:
            weight = int(criterion.weight)
        except (TypeError, ValueError):
            weight = 0
        if not 1 <= weight <= 100:
            raise ServiceError(
                "criterion_weight", _("Each weight is a whole number from 1 to 100."), field="criteria"
            )
        weights.append(weight)
    if sum(weights) != 100:
        raise ServiceError(
            "criteria_weights",
            _("The weights add up to %(total)s%%; they must add up to 100%%."),
            params={"total": sum(weights)},
            field="criteria",
        )
    award_names = [(a.name or "").strip() for a in awards]
    if not all(award_names):
        raise ServiceError("award_name", _("Every award level needs a name."), field="award_levels")
    if len(set(award_names)) != len(award_names):
        raise ServiceError("award_duplicate", _("Two award levels have the same name."), field="award_levels")
    for award in awards:
        if award.amount is None or Decimal(award.amount) < 0:
            raise ServiceError(
                "award_amount", _("An award's amount is 0 yuan or more."), field="award_levels"
            )
    for person in panel:
        if not person.is_active or not (roles_of(person) & selectors.PANEL_ROLES):
            raise ServiceError(
                "panel_not_staff",
                _("%(name)s is not a member of the union's staff and cannot sit on the panel."),
                params={"name": person.get_full_name()},
                field="panel",
            )
    if campaign.pk is not None and ProposalScore.objects.filter(proposal__campaign=campaign).exists():
        stored_criteria = [
            (c.pk, c.name, c.weight)
            for c in ScoringCriterion.objects.filter(campaign=campaign).order_by("pk")
        ]
        new_criteria = sorted((c.pk, c.name.strip(), int(c.weight)) for c in criteria if c.pk)
        stored_scale = ProposalCampaign.objects.get(pk=campaign.pk).score_max
        if (
            new_criteria != stored_criteria
            or len(criteria) != len(stored_criteria)
            or (stored_scale != campaign.score_max)
        ):
            raise Conflict(
                "criteria_locked",
                _("The panel has started scoring: the criteria, weights and scale can no longer change."),
                field="criteria",
            )
    used = set(Proposal.objects.filter(campaign_id=campaign.pk, award_level__isnull=False).values_list(
        "award_level_id", flat=True))  # fmt: skip
    kept = {a.pk for a in awards if a.pk}
    if used - kept:
        raise Conflict(
            "award_in_use",
            _("An award level that proposals have received cannot be removed."),
            field="award_levels",
        )


@transaction.atomic
def campaign_save(*, campaign: ProposalCampaign, by: User | None = None) -> ProposalCampaign:
    """Create or change a campaign held in memory with its criteria, award levels and panel (as
    the admin's form leaves it). Refused: unordered dates, weights not adding up to 100, a panel
    member who is not staff, changing the criteria once scoring has started, any change after the
    results are published."""
    criteria = list(campaign.criteria.all())
    awards = list(campaign.award_levels.all())
    panel = list(campaign.panel.all())
    _campaign_check(campaign, criteria=criteria, awards=awards, panel=panel)
    for criterion in criteria:
        criterion.name = criterion.name.strip()
        criterion.description = (criterion.description or "").strip()
    for award in awards:
        award.name = award.name.strip()
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError as error:  # a concurrent campaign for the same year
        raise Conflict(
            "campaign_year_taken",
            _("There is already a campaign for %(year)s."),
            params={"year": campaign.year},
            field="year",
        ) from error
    return campaign


def campaign_create(
    *,
    year: int,
    title: str,
    submission_opens: datetime.date,
    submission_closes: datetime.date,
    evaluation_ends: datetime.date,
    description: str = "",
    score_max: int = 10,
    criteria: Iterable[tuple[str, int] | tuple[str, int, str]] | None = None,
    award_levels: Iterable[tuple[str, Decimal | int | str]] | None = None,
    panel: Iterable[User] = (),
    by: User | None = None,
) -> ProposalCampaign:
    """A new campaign; without criteria or award levels it takes the usual ones
    (创新性/可行性/经济效益/推广价值; 一等奖 to 优秀奖)."""
    campaign = ProposalCampaign(
        year=year,
        title=title,
        description=(description or "").strip(),
        submission_opens=submission_opens,
        submission_closes=submission_closes,
        evaluation_ends=evaluation_ends,
        score_max=score_max,
        criteria=_criteria(DEFAULT_CRITERIA if criteria is None else criteria),
        award_levels=_awards(DEFAULT_AWARDS if award_levels is None else award_levels),
        panel=list(panel),
    )
    return campaign_save(campaign=campaign, by=by)


def _criteria(rows: Iterable[tuple[Any, ...]]) -> list[ScoringCriterion]:
    return [
        ScoringCriterion(name=row[0], weight=row[1], description=row[2] if len(row) > 2 else "", sort_order=i)
        for i, row in enumerate(rows)
    ]


def _awards(rows: Iterable[tuple[Any, ...]]) -> list[AwardLevel]:
    found = []
    for i, (name, amount) in enumerate(rows):
        try:
            value = Decimal(str(amount))
        except InvalidOperation:
            value = Decimal(-1)
        found.append(AwardLevel(name=name, amount=value, sort_order=i))
    return found


def campaign_update(
    *,
    campaign: ProposalCampaign,
    by: User | None = None,
    title: str | None = None,
    description: str | None = None,
    submission_opens: datetime.date | None = None,
    submission_closes: datetime.date | None = None,
    evaluation_ends: datetime.date | None = None,
    panel: Iterable[User] | None = None,
) -> ProposalCampaign:
    """Change a campaign's title, theme, dates or panel (same checks as creating it)."""
    campaign = ProposalCampaign.objects.get(pk=campaign.pk)
    for name, value in (
        ("title", title), ("description", description), ("submission_opens", submission_opens),
        ("submission_closes", submission_closes), ("evaluation_ends", evaluation_ends),
    ):  # fmt: skip
        if value is not None:
            setattr(campaign, name, value)
    if panel is not None:
        campaign.panel = list(panel)
    return campaign_save(campaign=campaign, by=by)


@transaction.atomic
def campaign_results_publish(*, campaign: ProposalCampaign, by: User) -> ProposalCampaign:
    """Publish the campaign's results to the workers.

    Only the chairman or a proposal officer, only after the evaluation end date (the panel's
    work is over), only once, and only when every proposal has been decided: a result list that
    leaves someone's proposal out would be unfair to them.
    """
    campaign = ProposalCampaign.objects.select_for_update().get(pk=campaign.pk)
    if not selectors.is_proposal_staff(by):
        raise ServiceError(
            "proposal_staff_only", _("Only the union's staff for proposals can do this."), status=403
        )
    if campaign.results_published_at is not None:
        raise Conflict("results_published", _("The results of this campaign are already published."))
    day = selectors.today()
    if day <= campaign.evaluation_ends:
        raise Conflict(
            "results_too_early",
            _("The results can be published after the evaluation ends on %(date)s."),
            params={"date": f"{campaign.evaluation_ends:%Y-%m-%d}"},
        )
    waiting = campaign.proposals.filter(decision=Proposal.Decision.PENDING).count()
    if waiting:
        raise Conflict(
            "results_undecided",
            _("%(count)s proposal(s) are still waiting for a decision."),
            params={"count": waiting},
        )
    campaign.results_published_at = timezone.now()
    campaign.results_published_by = by
    campaign.save(update_fields=["results_published_at", "results_published_by"])
    results = selectors.campaign_results(campaign)
    event_emit(
        name="proposals.results_published",
        payload={
            "year": campaign.year,
            "received": results.received,
            "adopted": results.adopted,
            "annual_benefit": str(results.total_benefit),
            "awards": str(results.total_awards),
        },
    )
    proposers = User.objects.filter(proposals__campaign=campaign).distinct()
    notify(
        recipients=list(proposers),
        title=str(_("The results of %(title)s are published") % {"title": campaign.title}),
        url=f"/proposals/results/{campaign.year}/",
        channels=("site", "sms"),
    )
    return campaign


# --- Proposals -------------------------------------------------------------------------------


def _text(value: str | None, *, code: str, message: Any, field: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(code, message, field=field)
    if len(value) > MAX_TEXT:
        raise ServiceError(
            "text_too_long",
            _("Keep this under %(limit)s characters."),
            params={"limit": MAX_TEXT},
            field=field,
        )
    return value


def _co_proposers(mobiles: Iterable[str], proposer: User) -> list[User]:
    people: list[User] = []
    for raw in mobiles:
        mobile = normalize_mobile(raw)
        if not mobile:
            continue
        person = User.objects.filter(username=mobile, is_active=True).first()
        if person is None or not selectors.is_member(person):
            raise ServiceError(
                "co_proposer_unknown",
                _("No member of this union has the mobile number %(mobile)s."),
                params={"mobile": mobile},
                field="co_proposers",
            )
        if person.pk == proposer.pk:
            raise ServiceError(
                "co_proposer_self", _("You are the proposer; list only the others."), field="co_proposers"
            )
        if person not in people:
            people.append(person)
    if len(people) > MAX_CO_PROPOSERS:
        raise ServiceError(
            "co_proposers_too_many",
            _("At most %(limit)s co-proposers."),
            params={"limit": MAX_CO_PROPOSERS},
            field="co_proposers",
        )
    return people


@transaction.atomic
def proposal_submit(
    *,
    campaign: ProposalCampaign,
    proposer: User,
    title: str,
    problem: str,
    suggestion: str,
    department: str = "",
    expected_benefit: str = "",
    co_proposer_mobiles: Iterable[str] = (),
    publish_name: bool = False,
) -> Proposal:
    """A member submits a proposal while the campaign is open for submissions.

    It opens a case of kind ``proposal`` through the case engine, so the proposal runs the
    published procedure from its first step. ``publish_name`` is the proposer's consent to be
    named in the published results (given for the co-proposers too).
    """
    if not selectors.is_member(proposer):
        raise ServiceError(
            "proposal_members_only", _("Only members of this union can submit proposals."), status=403
        )
    campaign = ProposalCampaign.objects.select_for_update().get(pk=campaign.pk)
    day = selectors.today()
    phase = campaign.phase_on(day)
    if phase == ProposalCampaign.Phase.UPCOMING:
        raise Conflict(
            "campaign_not_open",
            _("Proposals for %(title)s can be submitted from %(date)s."),
            params={"title": campaign.title, "date": f"{campaign.submission_opens:%Y-%m-%d}"},
        )
    if phase != ProposalCampaign.Phase.OPEN:
        raise Conflict(
            "campaign_closed",
            _("%(title)s stopped taking proposals on %(date)s."),
            params={"title": campaign.title, "date": f"{campaign.submission_closes:%Y-%m-%d}"},
        )
    title = _text(title, code="proposal_title", message=_("Give your proposal a title."), field="title")
    if len(title) > 100:
        raise ServiceError("proposal_title_long", _("Keep the title under 100 characters."), field="title")
    problem = _text(problem, code="proposal_problem", message=_("Describe the problem."), field="problem")
    suggestion = _text(
        suggestion, code="proposal_suggestion", message=_("Describe your suggestion."), field="suggestion"
    )
    expected_benefit = _text(
        expected_benefit, code="proposal_benefit", message="", field="expected_benefit", required=False
    )
    department = (department or "").strip()
    if len(department) > 50:
        raise ServiceError(
            "proposal_department", _("Keep the department under 50 characters."), field="department"
        )
    co_proposers = _co_proposers(co_proposer_mobiles, proposer)
    if Proposal.objects.filter(campaign=campaign, proposer=proposer, title=title).exists():
        raise Conflict(
            "proposal_duplicate",
            _("You have already submitted a proposal with this title in this campaign."),
            field="title",
        )
    description = f"存在问题：{problem}\n\n改进建议：{suggestion}"
    if expected_benefit:
        description += f"\n\n预期效益：{expected_benefit}"
    case, _code = case_open(
        kind=CaseKind.PROPOSAL,
        title=title,
        description=description,
        channel=Case.Channel.WEB_FORM,
        requester=proposer,
        requester_type=Case.RequesterType.MEMBER,
        by=proposer,
    )
    _due_with_campaign(case, campaign)
    proposal = Proposal.objects.create(
        case=case,
        campaign=campaign,
        title=title,
        proposer=proposer,
        department=department,
        problem=problem,
        suggestion=suggestion,
        expected_benefit=expected_benefit,
        publish_name=bool(publish_name),
        submitted_at=case.opened_at,
    )
    proposal.co_proposers.set(co_proposers)
    notify(
        recipients=staff_users_for(CaseKind.PROPOSAL),
        title=str(_("New proposal %(reference)s: %(title)s") % {"reference": case.reference, "title": title}),
        url=f"/admin/proposals/{proposal.pk}/",
        channels=("site",),
    )
    return proposal


def _due_with_campaign(case: Case, campaign: ProposalCampaign) -> None:
    """A proposal waits for the panel like every other one of its campaign, so it is due when
    the evaluation has ended and the implementation step's time has passed; never earlier than
    the procedure's own time limit. (A proposal sent on the first day of a four-month campaign
    is not late because the campaign is long.)"""
    try:
        implementation_days = machine_for(case.procedure).step("implementation").days or 0
    except KeyError:
        implementation_days = 0
    evaluation_over = timezone.make_aware(
        datetime.datetime.combine(campaign.evaluation_ends, datetime.time.max)
    )
    due = evaluation_over + datetime.timedelta(days=implementation_days)
    if case.due_at < due:
        Case.objects.filter(pk=case.pk).update(due_at=due)
        case.due_at = due


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("case", "campaign")
        .get(pk=proposal.pk)
    )


def _at_step(proposal: Proposal, step: str, message: Any) -> None:
    if proposal.case.status != Case.Status.OPEN or proposal.case.step != step:
        raise Conflict(
            "proposal_wrong_step",
            message,
            params={"step": selectors.step_label(proposal)},
        )


def _staff_only(by: User) -> None:
    if not selectors.is_proposal_staff(by):
        raise ServiceError(
            "proposal_staff_only", _("Only the union's staff for proposals can do this."), status=403
        )


@transaction.atomic
def proposal_screening_start(*, proposal: Proposal, by: User, note: str = "") -> Proposal:
    """The officer registers a received proposal and takes it into screening."""
    proposal = _locked(proposal)
    _staff_only(by)
    _at_step(
        proposal, "received", _("The proposal is at “%(step)s”; only a received proposal goes to screening.")
    )
    case_transition(case=proposal.case, to_step="screening", by=by, note=note)
    proposal.case.refresh_from_db()
    return proposal


@transaction.atomic
def proposal_screen(*, proposal: Proposal, eligible: bool, by: User, note: str = "") -> Proposal:
    """Screening: an eligible proposal goes to the panel; one that is not (vague, outside the
    campaign, a complaint rather than a proposal) is closed with the reason, which the
    proposer sees."""
    proposal = _locked(proposal)
    _staff_only(by)
    _at_step(proposal, "screening", _("The proposal is at “%(step)s”, not at screening."))
    note = (note or "").strip()
    if eligible:
        panel = list(proposal.campaign.panel.filter(is_active=True))
        if not panel:
            raise Conflict(
                "campaign_no_panel",
                _("The campaign has no evaluation panel yet: name the panel before sending proposals to it."),
            )
        case_transition(case=proposal.case, to_step="evaluation", by=by, note=note)
        notify(
            recipients=panel,
            title=str(_("A proposal is waiting for your score: %(title)s") % {"title": proposal.title}),
            url=f"/admin/proposals/{proposal.pk}/",
            channels=("site",),
        )
    else:
        if not note:
            raise ServiceError(
                "screen_reason", _("Give the reason the proposal is not accepted."), field="note"
            )
        case_transition(
            case=proposal.case, to_step="closed", by=by, note=note, outcome=f"经初审不予立项：{note}"
        )
        proposal.decision = Proposal.Decision.NOT_ELIGIBLE
        proposal.decision_note = note
        proposal.decided_at = timezone.now()
        proposal.decided_by = by
        proposal.save(update_fields=["decision", "decision_note", "decided_at", "decided_by"])
    proposal.case.refresh_from_db()
    return proposal


def _score_values(proposal: Proposal, values: Mapping[Any, Any]) -> tuple[dict[str, int], Any]:
    criteria = list(proposal.campaign.criteria.order_by("sort_order", "pk"))
    top = proposal.campaign.score_max
    given = {str(key): value for key, value in (values or {}).items()}
    unknown = set(given) - {str(c.pk) for c in criteria}
    if unknown:
        raise ServiceError("score_criterion", _("Score only this campaign's criteria."), field="values")
    clean: dict[str, int] = {}
    for criterion in criteria:
        raw = given.get(str(criterion.pk))
        if raw is None or raw == "":
            raise ServiceError(
                "score_missing",
                _("Give a score for “%(criterion)s”."),
                params={"criterion": criterion.name},
                field="values",
            )
        try:
            value = int(str(raw).strip())
        except ValueError:
            value = -1
        if not 0 <= value <= top:
            raise ServiceError(
                "score_range",
                _("Score “%(criterion)s” with a whole number from 0 to %(max)s."),
                params={"criterion": criterion.name, "max": top},
                field="values",
            )
        clean[str(criterion.pk)] = value
    return clean, selectors.weighted_total(clean, criteria)


def _panel_at_evaluation(proposal: Proposal, panelist: User) -> None:
    if not selectors.is_panelist(panelist, proposal.campaign):
        raise ServiceError(
            "score_not_panelist",
            _("Only members of the campaign's evaluation panel can score proposals."),
            status=403,
        )
    _at_step(
        proposal,
        "evaluation",
        _("The proposal is at “%(step)s”; scores are given only at the evaluation step."),
    )


@transaction.atomic
def proposal_score(
    *, proposal: Proposal, panelist: User, values: Mapping[Any, Any], comment: str = ""
) -> ProposalScore:
    """A panelist scores a proposal at the evaluation step, once (then changes that score)."""
    proposal = _locked(proposal)
    _panel_at_evaluation(proposal, panelist)
    if ProposalScore.objects.filter(proposal=proposal, panelist=panelist).exists():
        raise Conflict("score_exists", _("You have already scored this proposal; change your score instead."))
    clean, total = _score_values(proposal, values)
    return ProposalScore.objects.create(
        proposal=proposal, panelist=panelist, values=clean, total=total, comment=(comment or "").strip()
    )


@transaction.atomic
def proposal_score_change(
    *, score: ProposalScore, panelist: User, values: Mapping[Any, Any], comment: str = ""
) -> ProposalScore:
    """A panelist changes their own score, until the chairman decides."""
    score = ProposalScore.objects.select_for_update().get(pk=score.pk)
    if score.panelist_id != panelist.pk:
        raise ServiceError("score_not_own", _("You can only change your own score."), status=403)
    proposal = _locked(score.proposal)
    _panel_at_evaluation(proposal, panelist)
    clean, total = _score_values(proposal, values)
    score.values, score.total, score.comment = clean, total, (comment or "").strip()
    score.save(update_fields=["values", "total", "comment", "changed_at"])
    return score


def _amount(value: Any, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ServiceError(
            "benefit_invalid", _("Give the estimated annual benefit in yuan (0 or more)."), field=field
        )
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def proposal_decide(
    *,
    proposal: Proposal,
    adopt: bool,
    by: User,
    estimated_annual_benefit: Decimal | str | int | None = None,
    note: str = "",
) -> Proposal:
    """The chairman's decision at the evaluation step, after the panel has scored: adopt it
    (with its estimated annual benefit) for implementation, or not (with the reason)."""
    proposal = _locked(proposal)
    _at_step(
        proposal, "evaluation", _("The proposal is at “%(step)s”; it is decided at the evaluation step.")
    )
    if not proposal.scores.exists():
        raise Conflict("decide_unscored", _("Wait for the panel's scores before deciding."))
    note = (note or "").strip()
    now = timezone.now()
    if adopt:
        if estimated_annual_benefit is None or estimated_annual_benefit == "":
            raise ServiceError(
                "benefit_required",
                _("Give the estimated annual benefit in yuan (0 if it brings none in money)."),
                field="estimated_annual_benefit",
            )
        benefit = _amount(estimated_annual_benefit, field="estimated_annual_benefit")
        case_transition(case=proposal.case, to_step="implementation", by=by, note=note)
        proposal.decision = Proposal.Decision.ADOPTED
        proposal.estimated_annual_benefit = benefit
        title = _("Your proposal “%(title)s” has been adopted")
    else:
        if not note:
            raise ServiceError("decide_reason", _("Give the reason it is not adopted."), field="note")
        case_transition(case=proposal.case, to_step="closed", by=by, note=note, outcome=f"未予采纳：{note}")
        proposal.decision = Proposal.Decision.REJECTED
        title = _("Your proposal “%(title)s” was not adopted")
    proposal.decision_note, proposal.decided_at, proposal.decided_by = note, now, by
    proposal.save(
        update_fields=["decision", "decision_note", "decided_at", "decided_by", "estimated_annual_benefit"]
    )
    event_emit(
        name="proposal.decided",
        payload={"year": proposal.campaign.year, "adopted": bool(adopt),
                 "annual_benefit": str(proposal.estimated_annual_benefit or 0)},
    )  # fmt: skip
    notify(
        recipients=[proposal.proposer, *proposal.co_proposers.all()],
        title=str(title % {"title": proposal.title}),
        url=f"/proposals/{proposal.pk}/",
        channels=("site", "sms"),
    )
    proposal.case.refresh_from_db()
    return proposal


@transaction.atomic
def proposal_award(
    *,
    proposal: Proposal,
    level: AwardLevel,
    by: User,
    annual_benefit: Decimal | str | int | None = None,
    note: str = "",
) -> Proposal:
    """Award an adopted proposal once it is implemented: this ends the implementation step and
    closes the case. ``annual_benefit`` replaces the estimate with the measured figure."""
    proposal = _locked(proposal)
    _staff_only(by)
    if proposal.decision != Proposal.Decision.ADOPTED:
        raise Conflict("award_not_adopted", _("Only adopted proposals can receive an award."))
    _at_step(
        proposal,
        "implementation",
        _("The proposal is at “%(step)s”; it is awarded when its implementation is done."),
    )
    if level is None or level.campaign_id != proposal.campaign_id:
        raise ServiceError("award_level", _("Choose one of this campaign's award levels."), field="level")
    if annual_benefit not in (None, ""):
        proposal.estimated_annual_benefit = _amount(annual_benefit, field="annual_benefit")
    note = (note or "").strip()
    outcome = f"已采纳并实施，评为{level.name}"
    if proposal.estimated_annual_benefit:
        outcome += f"，预计年效益{proposal.estimated_annual_benefit:,.2f}元"
    case_transition(
        case=proposal.case,
        to_step="closed",
        by=by,
        note=note,
        outcome=outcome + (f"。{note}" if note else ""),
    )
    proposal.award_level, proposal.award_amount = level, level.amount
    proposal.awarded_at, proposal.awarded_by = timezone.now(), by
    proposal.save(
        update_fields=["award_level", "award_amount", "awarded_at", "awarded_by", "estimated_annual_benefit"]
    )
    event_emit(
        name="proposal.awarded",
        payload={"year": proposal.campaign.year, "award": level.name, "amount": str(level.amount)},
    )
    proposal.case.refresh_from_db()
    return proposal
