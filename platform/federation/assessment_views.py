"""职工之家建设考核 in the federation portal's Wagtail admin: the rounds, a round's unions with
their totals and ratings, one union's scorecard (with the district's review) and the Excel export.

Scoped like the dashboard: city administrators see every union, district administrators their
district's, station staff their street's; a union outside the user's area is not found. Only an
administrator of the union's own district reviews it (overrides a criterion, records a visit).
"""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from assessment.models import AssessmentRound, CriterionScore, Scorecard
from assessment.selectors import (
    may_review,
    scorecard_lines,
    scorecard_to_fix,
    scorecards_scope,
    scorecards_visible,
)
from assessment.services import criterion_override, round_compute, round_open, scorecard_visit_record

from .assessment import RATING_LABELS, rating_label
from .dashboard_views import XLSX, may_view_dashboard
from .models import FederationRole
from .roles import has_federation_role

URL_NAMESPACE = "federation_assessment"


def _is_city_admin(user) -> bool:
    return has_federation_role(user, FederationRole.Kind.CITY_ADMIN)


class AssessmentMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_view_dashboard(request.user)


class AssessmentMixin:
    request: HttpRequest
    kwargs: dict[str, Any]
    header_icon = "tasks"

    def get_page_title(self) -> str:
        return _("Workers' Home assessment")

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not may_view_dashboard(request.user):  # federation staff, on the portal
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def round_get(self) -> AssessmentRound:
        return get_object_or_404(AssessmentRound, year=self.kwargs["year"])

    def scorecard_get(self) -> Scorecard:
        scorecard = (
            Scorecard.objects.filter(scorecards_scope(self.request.user))
            .select_related("assessment_round", "union", "union__district", "union__street", "visited_by")
            .filter(assessment_round__year=self.kwargs["year"], union_id=self.kwargs["union"])
            .first()
        )
        if scorecard is None:
            raise Http404  # another district's union does not exist for this user
        return scorecard


class RoundIndexView(AssessmentMixin, WagtailAdminTemplateMixin, TemplateView):
    """The rounds; the city's administrators open a year's round and recompute it."""

    template_name = "federation/assessment/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            rounds=AssessmentRound.objects.all(),
            may_open=_is_city_admin(self.request.user),
            this_year=datetime.date.today().year,
            page_title=_("Workers' Home assessment"),
        )
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _is_city_admin(request.user):
            raise PermissionDenied
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            messages.error(request, _("Enter a valid year."))
            return redirect(reverse(f"{URL_NAMESPACE}:index"))
        try:
            assessment_round = round_open(year=year)
            count = round_compute(assessment_round=assessment_round)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse(f"{URL_NAMESPACE}:index"))
        messages.success(request, _("%(count)s scorecards computed from the facts.") % {"count": count})
        return redirect(reverse(f"{URL_NAMESPACE}:round", args=[assessment_round.year]))


class RoundView(AssessmentMixin, WagtailAdminTemplateMixin, TemplateView):
    """A round's unions (those in the user's area) with their totals and ratings."""

    template_name = "federation/assessment/round.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assessment_round = self.round_get()
        scorecards = list(scorecards_visible(user=self.request.user, assessment_round=assessment_round))
        counts = dict.fromkeys(RATING_LABELS, 0)
        for scorecard in scorecards:
            counts[scorecard.rating] = counts.get(scorecard.rating, 0) + 1
        context.update(
            assessment_round=assessment_round,
            scorecards=[(scorecard, rating_label(scorecard.rating)) for scorecard in scorecards],
            rating_counts=[(str(label), counts[code]) for code, label in RATING_LABELS.items()],
            page_title=_("Assessment %(year)s") % {"year": assessment_round.year},
        )
        return context


class RoundExportView(AssessmentMixin, TemplateView):
    """The round's unions in the user's area as an Excel workbook: totals, ratings and points
    per criterion."""

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        from .assessment import checklist

        assessment_round = self.round_get()
        criteria = checklist(assessment_round.version)
        scorecards = list(
            scorecards_visible(user=request.user, assessment_round=assessment_round).prefetch_related(
                "scores"
            )
        )
        book = Workbook()
        sheet = book.active
        sheet.title = str(assessment_round.year)
        head = [_("Union"), _("District"), _("Street"), _("Points earned"), _("Points possible"), _("Score"),
                _("Rating")] + [f"{criterion.code} ({criterion.points})" for criterion in criteria]  # fmt: skip
        sheet.append(head)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for scorecard in scorecards:
            points = {score.code: score.points for score in scorecard.scores.all()}
            union = scorecard.union
            sheet.append(
                [union.name, str(union.district or ""), union.street.name if union.street else "",
                 scorecard.earned, scorecard.possible, float(scorecard.percent), rating_label(scorecard.rating)]
                + [points.get(criterion.code, "—") if points.get(criterion.code) is not None else "—"
                   for criterion in criteria]
            )  # fmt: skip
        labels = book.create_sheet(_("Criteria"))
        labels.append([_("Code"), _("Criterion"), _("Points"), _("How it is scored")])
        for criterion in criteria:
            labels.append([criterion.code, str(criterion.label), criterion.points, str(criterion.how)])
        buffer = BytesIO()
        book.save(buffer)
        filename = f"{_('Workers Home assessment')}-{assessment_round.year}.xlsx"
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = (
            f"attachment; filename=\"assessment-{assessment_round.year}.xlsx\"; filename*=UTF-8''{quote(filename)}"
        )
        response["Cache-Control"] = "no-store"
        return response


class ScorecardView(AssessmentMixin, WagtailAdminTemplateMixin, TemplateView):
    """One union's scorecard: each criterion's points and evidence, what to fix, and — for an
    administrator of the union's district — the review forms."""

    template_name = "federation/assessment/scorecard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        scorecard = self.scorecard_get()
        context.update(
            scorecard=scorecard,
            rating=rating_label(scorecard.rating),
            groups=scorecard_lines(scorecard),
            to_fix=scorecard_to_fix(scorecard),
            may_review=may_review(self.request.user, scorecard.union)
            and scorecard.assessment_round.status == AssessmentRound.Status.OPEN,
            round_url=reverse(f"{URL_NAMESPACE}:round", args=[scorecard.assessment_round.year]),
            page_title=f"{scorecard.union.name} · {scorecard.assessment_round.year}",
        )
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        scorecard = self.scorecard_get()  # 404 outside the user's area
        if not may_review(request.user, scorecard.union):
            raise Http404  # only the union's own district reviews; others do not see the forms
        url = reverse(
            f"{URL_NAMESPACE}:scorecard", args=[scorecard.assessment_round.year, scorecard.union_id]
        )
        try:
            if request.POST.get("action") == "visit":
                try:
                    visited_on = datetime.date.fromisoformat(request.POST.get("visited_on", ""))
                except ValueError as error:
                    raise ValidationError(_("Enter a valid date.")) from error
                scorecard_visit_record(
                    scorecard=scorecard,
                    visited_on=visited_on,
                    note=request.POST.get("visit_note", ""),
                    evidence_notes=request.POST.get("evidence_notes", ""),
                    by=request.user,
                )
                messages.success(request, _("The site visit was recorded."))
            else:
                score = get_object_or_404(
                    CriterionScore, scorecard=scorecard, code=request.POST.get("code", "")
                )
                raw = request.POST.get("points", "").strip()
                if raw == "":
                    points = None
                else:
                    try:
                        points = int(raw)
                    except ValueError as error:
                        raise ValidationError(_("Enter whole points.")) from error
                criterion_override(score=score, points=points, comment=request.POST.get("comment", ""),
                                   by=request.user)  # fmt: skip
                messages.success(request, _("The review was saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(url)


class AssessmentViewSet(ViewSet):
    """The "职工之家建设考核" area of the federation portal's admin."""

    name = URL_NAMESPACE
    url_prefix = "assessment"
    icon = "tasks"
    menu_label = gettext_lazy("Workers' Home assessment")
    menu_order = 240
    add_to_admin_menu = True
    menu_item_class = AssessmentMenuItem

    def get_urlpatterns(self):
        return [
            path("", RoundIndexView.as_view(), name="index"),
            path("<int:year>/", RoundView.as_view(), name="round"),
            path("<int:year>/export/", RoundExportView.as_view(), name="export"),
            path("<int:year>/union/<int:union>/", ScorecardView.as_view(), name="scorecard"),
        ]
