"""数据看板: the dashboard pages and their Excel exports in the federation portal's Wagtail admin.

City administrators open the whole city, district administrators their district, station staff
their street; each drills down to the streets, unions and one union below, never beside: a
page outside the user's area is not found, whatever the URL says. Thin: the figures are
``federation.dashboard``'s.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from tenants.registry.models import Union
from workershome.tenancy import on_portal

from .dashboard import (
    Dashboard,
    Period,
    PeriodError,
    Scope,
    dashboard_build,
    period_parse,
    scope_allowed,
    scope_home,
    tables_xlsx,
)
from .models import District, FederationRole, Street
from .roles import has_federation_role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL_NAMESPACE = "federation_dashboard"


def may_view_dashboard(user) -> bool:
    """City and district administrators and station staff, on the portal."""
    return bool(
        on_portal()
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and has_federation_role(user, *FederationRole.Kind.values)
    )


def scope_url(level: str, pk: int | None = None, *, export: bool = False) -> str:
    name = f"{URL_NAMESPACE}:{level}{'_export' if export else ''}"
    return reverse(name, args=(pk,) if pk is not None else ())


class DashboardMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_view_dashboard(request.user)


class DashboardMixin:
    """Resolves the page's scope (refusing one outside the user's area) and period."""

    level = "city"
    request: HttpRequest
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not may_view_dashboard(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    @cached_property
    def scope(self) -> Scope:
        pk = self.kwargs.get("pk")
        if self.level == "district":
            scope = Scope("district", district=get_object_or_404(District, pk=pk))
        elif self.level == "street":
            street = get_object_or_404(Street.objects.select_related("district"), pk=pk)
            scope = Scope("street", district=street.district, street=street)
        elif self.level == "union":
            union = get_object_or_404(
                Union.objects.exclude(schema_name="public").select_related("district", "street__district"),
                pk=pk,
            )
            scope = Scope("union", district=union.district, street=union.street, union=union)
        else:
            scope = Scope("city")
        if not scope_allowed(self.request.user, scope):
            raise Http404  # another district's (or street's) page does not exist for this user
        return scope

    @cached_property
    def period_and_error(self) -> tuple[Period, str]:
        try:
            return period_parse(self.request.GET), ""
        except PeriodError as error:
            return period_parse({}), str(error)

    @property
    def period(self) -> Period:
        return self.period_and_error[0]

    def link(self, level: str, pk: int | None = None, *, export: bool = False) -> str:
        # Every unit's row links to it in each of the page's tables: each URL is made once.
        key = (level, pk, export)
        url = self._links.get(key)
        if url is None:
            url = self._links[key] = f"{scope_url(level, pk, export=export)}?{self._period_query}"
        return url

    @cached_property
    def _links(self) -> dict[tuple[str, int | None, bool], str]:
        return {}

    @cached_property
    def _period_query(self) -> str:
        return urlencode(self.period.query())

    @cached_property
    def dashboard(self) -> Dashboard:
        return dashboard_build(self.scope, self.period, link=self.link)


class DashboardView(DashboardMixin, WagtailAdminTemplateMixin, TemplateView):
    """One level of the dashboard: the city, a district, a street or a union."""

    template_name = "federation/dashboard/index.html"
    header_icon = "table"

    def get(self, request: HttpRequest, *args, **kwargs):
        if self.level == "city":
            home = scope_home(request.user)
            if home is None:
                raise PermissionDenied
            if home.level != "city":  # a district's or a street's staff start at their own page
                target = home.street or home.district
                assert target is not None
                return redirect(f"{scope_url(home.level, target.pk)}?{request.GET.urlencode()}")
        if self.period_and_error[1]:
            messages.error(request, self.period_and_error[1])
        return super().get(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return _("Federation dashboard")

    def get_page_subtitle(self) -> str:
        return self.scope.label

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        items = [*self.breadcrumbs_items]
        scope, user = self.scope, self.request.user
        trail: list[tuple[str, int | None, str, Scope]] = [("city", None, _("Whole city"), Scope("city"))]
        if scope.district is not None:
            trail.append(
                (
                    "district",
                    scope.district.pk,
                    scope.district.name,
                    Scope("district", district=scope.district),
                )
            )
        if scope.street is not None:
            trail.append(
                (
                    "street",
                    scope.street.pk,
                    scope.street.name,
                    Scope("street", district=scope.district, street=scope.street),
                )
            )
        if scope.union is not None:
            trail.append(("union", scope.union.pk, scope.union.short_name or scope.union.name, scope))
        for level, pk, label, step in trail[:-1]:
            if scope_allowed(user, step):
                items.append({"url": self.link(level, pk), "label": label})
        items.append({"url": "", "label": trail[-1][2], "sublabel": _("Federation dashboard")})
        return items

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        period = self.period
        pk = self.kwargs.get("pk")
        context.update(
            dashboard=self.dashboard,
            scope=self.scope,
            period=period,
            period_last_day=period.last_day,
            today=timezone.localdate(),
            export_all_url=self.link(self.level, pk, export=True),
            export_url=self.link(self.level, pk, export=True) + "&table=",
            form_action=scope_url(self.level, pk),
            period_choices=[
                ("year", _("This year")),
                ("12m", _("Last 12 months")),
                ("custom", _("Custom dates")),
            ],
            facts_note=_(
                "Figures come from the facts the unions report; a union's own records are never read."
            ),
        )
        return context


class DashboardExportView(DashboardMixin, TemplateView):
    """The page's tables (or one of them, ``?table=``) as an Excel workbook, suppressed alike."""

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        dashboard = self.dashboard
        key = request.GET.get("table") or ""
        if key:
            table = dashboard.table(key)
            if table is None:
                raise Http404
            tables = [table]
        else:
            tables = dashboard.all_tables()
        period = self.period
        span = f"{period.start:%Y%m%d}-{period.last_day:%Y%m%d}"
        heading = f"{self.scope.label} {period.start:%Y-%m-%d} — {period.last_day:%Y-%m-%d}"
        content = tables_xlsx(tables, title=heading)
        part = str(tables[0].title) if key else _("Federation dashboard")
        filename = f"{self.scope.label}-{part}-{span}.xlsx".replace("/", "-")
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = (
            f"attachment; filename=\"dashboard-{span}.xlsx\"; filename*=UTF-8''{quote(filename)}"
        )
        response["Cache-Control"] = "no-store"
        return response


class DashboardViewSet(ViewSet):
    """The "数据看板" area of the federation portal's admin."""

    name = URL_NAMESPACE
    url_prefix = "dashboard"
    icon = "table"
    menu_label = gettext_lazy("Federation dashboard")
    menu_order = 230
    add_to_admin_menu = True
    menu_item_class = DashboardMenuItem

    def get_urlpatterns(self):
        patterns = []
        for level, prefix in (("city", ""), ("district", "district/<int:pk>/"), ("street", "street/<int:pk>/"),
                              ("union", "union/<int:pk>/")):  # fmt: skip
            patterns.append(path(prefix, DashboardView.as_view(level=level), name=level))
            patterns.append(
                path(f"{prefix}export/", DashboardExportView.as_view(level=level), name=f"{level}_export")
            )
        return patterns
