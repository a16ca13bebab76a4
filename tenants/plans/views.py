"""The work plan on the union's site (亮制度: the union's work shown openly): the tasks of the
year, their category, dates, progress and status, and the year-end summary once written.

Only plans the union chose to publish; another year's or an unpublished plan is a 404. The
owners' names are shown to the union's members only, not to anonymous visitors.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View

from tenants.users.roles import is_member

from .selectors import plan_figures, plan_items, plan_published, plan_years_published


class PlanPageView(View):
    def get(self, request: HttpRequest, year: int | None = None) -> HttpResponse:
        plan = plan_published(year)
        if plan is None and year is None:
            return TemplateResponse(request, "plans/none.html", {})
        if plan is None:
            raise Http404
        today = timezone.localdate()
        return TemplateResponse(request, "plans/plan.html", {
            "plan": plan,
            "items": [(item, item.is_overdue(today)) for item in plan_items(plan)],
            "figures": plan_figures(plan, today=today),
            "years": plan_years_published(),
            "show_owners": is_member(request.user),
        })  # fmt: skip
