"""Page types of each union's Workers' Home website (and of the federation portal).

The site makes the home visible the way the federation requires (五亮): the name plate
(``HomePage``), staff identity (``PeoplePage``), rules on the wall (``RulePage``), service items
and the bulletin board (``ServiceItemPage``, ``NoticePage``), and each service's procedure
(``ProcedureIndexPage``); with the rooms and facilities (``RoomPage``) and service brands
(``ServiceBrandPage``) of the six haves (六有).
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from accounts.validators import validate_mobile

IMAGE = "wagtailimages.Image"


class ChoiceArrayField(ArrayField):
    """A list of choices, edited as checkboxes (Django's array field offers a text box)."""

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": self.base_field.to_python,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        return super(ArrayField, self).formfield(**defaults)


validate_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # and six hexadecimal digits."))


class RoomKind(models.TextChoices):
    ACTIVITY_CENTRE = "activity_centre", _("Activity centre")
    MEDIATION_ROOM = "mediation_room", _("Mediation room")
    STRESS_RELIEF_ROOM = "stress_relief_room", _("Stress-relief room")
    LIBRARY = "library", _("Workers' library")
    STUDY_ROOM = "study_room", _("Study room")
    OFFICE = "office", _("Union office")
    RECEPTION_ROOM = "reception_room", _("Reception room")
    SPORTS_ROOM = "sports_room", _("Sports room")
    NURSING_ROOM = "nursing_room", _("Nursing room")


class EquipmentKind(models.TextChoices):
    SPORTS = "sports", _("Sports")
    CULTURE = "culture", _("Culture")
    LIVING = "living", _("Daily living")
    OFFICE = "office", _("Office")
    PSYCHOLOGICAL = "psychological", _("Psychological")


class ServiceDuty(models.TextChoices):
    """The six service duties of a Workers' Home."""

    APPEALS = "appeals", _("Appeals and proposals")
    HARDSHIP = "hardship", _("Hardship assistance")
    MEDIATION = "mediation", _("Dispute mediation and legal aid")
    COUNSELLING = "counselling", _("Counselling")
    SKILLS = "skills", _("Skills training and the workers' library")
    ACTIVITIES = "activities", _("Cultural and sports activities")


class HomePage(Page):
    """The root of a union's site: the name plate (亮牌子) and the way in to everything else."""

    intro = RichTextField(_("introduction"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    directions = models.TextField(_("how to get there"), blank=True)
    logo = models.ForeignKey(IMAGE, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    brand_colour = models.CharField(
        _("colour"), max_length=7, default="#b71c1c", validators=[validate_colour],
        help_text=_("The union's colour on its site and posters, e.g. #b71c1c."),
    )  # fmt: skip

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("opening_hours"), FieldPanel("directions")],
            heading=_("The place"),
        ),
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("brand_colour")], heading=_("Look")),
        InlinePanel("photos", label=_("Photos of the place")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("address")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")


class Photo(Orderable):
    """A captioned photo in a page's gallery; the caption is also the image's alt text."""

    image = models.ForeignKey(IMAGE, on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=100, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        abstract = True


class HomePhoto(Photo):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="photos")


class SectionPage(Page):
    """Common to the section index pages: an introduction, one of each under the home page."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True


class RoomIndexPage(SectionPage):
    """有场地、有设施: the home's rooms."""

    subpage_types = ["cms.RoomPage"]

    class Meta:
        verbose_name = _("rooms and facilities")


class RoomPage(Page):
    """A room of the home, its kind, the uses it also serves (一室多用) and its equipment."""

    kind = models.CharField(_("kind"), max_length=30, choices=RoomKind.choices)
    uses = ChoiceArrayField(
        models.CharField(max_length=30, choices=RoomKind.choices), blank=True, default=list,
        verbose_name=_("also used as"),
    )  # fmt: skip
    location = models.CharField(_("where"), max_length=100, blank=True)
    area = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    equipment = ChoiceArrayField(
        models.CharField(max_length=20, choices=EquipmentKind.choices), blank=True, default=list,
        verbose_name=_("equipment"),
    )  # fmt: skip
    equipment_notes = models.TextField(_("equipment in detail"), blank=True)
    description = RichTextField(_("description"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("uses"),
        FieldPanel("location"),
        FieldPanel("area"),
        FieldPanel("capacity"),
        FieldPanel("hours"),
        FieldPanel("equipment"),
        FieldPanel("equipment_notes"),
        FieldPanel("description"),
        InlinePanel("photos", label=_("Photos")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description"), index.FilterField("kind")]
    parent_page_types = ["cms.RoomIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("room")

    @property
    def all_kinds(self) -> list[str]:
        return [self.kind, *[use for use in self.uses if use != self.kind]]


class RoomPhoto(Photo):
    page = ParentalKey(RoomPage, on_delete=models.CASCADE, related_name="photos")


class PeoplePage(SectionPage):
    """亮身份: the union's staff and committee, and the chairman's public contact."""

    chairman_name = models.CharField(_("chairman's name"), max_length=50, blank=True)
    chairman_mobile = models.CharField(
        _("chairman's public mobile number"), max_length=20, blank=True, validators=[validate_mobile]
    )
    chairman_email = models.EmailField(_("chairman's public email"), blank=True)
    chairman_photo = models.ForeignKey(
        IMAGE, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = [
        *SectionPage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("chairman_name"),
                FieldPanel("chairman_mobile"),
                FieldPanel("chairman_email"),
                FieldPanel("chairman_photo"),
            ],
            heading=_("Chairman's public contact"),
            help_text=_(
                "Once the union committee's chairman is entered under 组织建设 (committees), the site "
                "shows that chairman's public contact and the committees instead of these fields."
            ),
        ),
        InlinePanel("staff", label=_("Staff and committee members")),
    ]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("people")

    def save(self, *args, **kwargs):
        from accounts.validators import normalize_mobile

        if self.chairman_mobile:
            self.chairman_mobile = normalize_mobile(self.chairman_mobile)
        super().save(*args, **kwargs)


class StaffMember(Orderable):
    """A member of staff or of the committee, as shown on the identity board."""

    page = ParentalKey(PeoplePage, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    role = models.CharField(_("role"), max_length=50)
    badge_number = models.CharField(_("badge number"), max_length=20, blank=True)
    duties = models.CharField(_("duties"), max_length=200, blank=True)
    photo = models.ForeignKey(IMAGE, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("badge_number"), FieldPanel("duties"),
              FieldPanel("photo")]  # fmt: skip


class RuleIndexPage(SectionPage):
    """亮制度: rules on the wall."""

    subpage_types = ["cms.RulePage"]

    class Meta:
        verbose_name = _("rules")


def _date_or_none(value) -> datetime.date | None:
    """A date as a revision stores it (ISO text), or ``None``."""
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


class RulePage(RoutablePageMixin, Page):
    """A rule: division of work or a management rule, with the date it is in force from.

    Each published change is a new revision (Wagtail keeps them). The rule's page lists the
    earlier *published* versions, each readable at ``versions/<revision id>/``, so a worker can
    see which rule was in force when; drafts never show.
    """

    class Category(models.TextChoices):
        DIVISION_OF_WORK = "division_of_work", _("Division of work")
        MANAGEMENT = "management", _("Management rule")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    in_force_from = models.DateField(_("in force from"))
    version = models.CharField(_("version"), max_length=50, blank=True, help_text=_("e.g. 2026年修订"))
    body = RichTextField(_("text"))

    content_panels = [
        *Page.content_panels, FieldPanel("category"), FieldPanel("in_force_from"), FieldPanel("version"),
        FieldPanel("body"),
    ]  # fmt: skip
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.RuleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("rule")

    def earlier_versions(self) -> list[dict]:
        """Published versions other than the live one, newest first, with the dates each was in
        force (until the next version's date)."""
        from wagtail.models import PageLogEntry

        entries = (
            PageLogEntry.objects.filter(page_id=self.pk, action="wagtail.publish", revision__isnull=False)
            .exclude(revision_id=self.live_revision_id)
            .select_related("revision")
            .order_by("-timestamp", "-pk")
        )
        versions: list[dict] = []
        seen: set[int] = set()
        until: datetime.date | None = self.in_force_from
        for entry in entries:
            revision = entry.revision
            if revision is None or revision.pk in seen:
                continue
            seen.add(revision.pk)
            content = revision.content
            in_force_from = _date_or_none(content.get("in_force_from"))
            versions.append({
                "id": revision.pk, "version": content.get("version") or "", "title": content.get("title") or "",
                "in_force_from": in_force_from, "until": until, "published_at": entry.timestamp,
            })  # fmt: skip
            until = in_force_from
        return versions

    @path("versions/<int:revision_id>/")
    def earlier_version(self, request, revision_id: int):
        """One earlier published version, marked as such; any other revision is a 404."""
        version = next((item for item in self.earlier_versions() if item["id"] == revision_id), None)
        if version is None:
            raise Http404
        old = self.revisions.get(pk=revision_id).as_object()
        return self.render(
            request,
            context_overrides={"page": old, "current": self, "earlier": version},
            template="cms/rule_page.html",
        )


class ServiceIndexPage(SectionPage):
    """亮项目: the service items of the home."""

    subpage_types = ["cms.ServiceItemPage"]

    class Meta:
        verbose_name = _("services")


class ServiceItemPage(Page):
    """A service the home offers: what, for whom, when, where and how to ask for it."""

    duty = models.CharField(_("service duty"), max_length=20, choices=ServiceDuty.choices)
    summary = models.CharField(_("what"), max_length=200)
    for_whom = models.CharField(_("for whom"), max_length=200, blank=True)
    when = models.CharField(_("when"), max_length=100, blank=True)
    where = models.CharField(_("where"), max_length=100, blank=True)
    how_to_ask = RichTextField(_("how to ask"), blank=True)

    content_panels = [
        *Page.content_panels, FieldPanel("duty"), FieldPanel("summary"), FieldPanel("for_whom"),
        FieldPanel("when"), FieldPanel("where"), FieldPanel("how_to_ask"),
    ]  # fmt: skip
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("how_to_ask")]
    parent_page_types = ["cms.ServiceIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("service item")

    def get_context(self, request, *args, **kwargs):
        from tenants.cases.flowchart import published_procedures
        from tenants.cases.kinds import kinds_for_duty

        context = super().get_context(request, *args, **kwargs)
        # 亮程序: the published procedures of this duty's kinds of case, charted on the procedures page.
        procedures = published_procedures(spec.kind for spec in kinds_for_duty(self.duty))
        context["procedures"] = procedures
        context["procedures_page"] = ProcedureIndexPage.objects.live().first() if procedures else None
        return context


class BulletinPage(SectionPage):
    """The bulletin board (公告栏): notices and activity news, pinned first, expired ones hidden."""

    subpage_types = ["cms.NoticePage"]

    class Meta:
        verbose_name = _("bulletin board")

    def current_notices(self):
        today = timezone.localdate()
        return (
            NoticePage.objects.live().child_of(self)
            .filter(published_on__lte=today)
            .exclude(expires_on__lt=today)
            .order_by("-pinned", "-published_on", "-pk")
        )  # fmt: skip

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["notices"] = self.current_notices()
        return context


class NoticePage(Page):
    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice")
        NEWS = "news", _("Activity news")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    published_on = models.DateField(_("published on"), default=datetime.date.today)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    body = RichTextField(_("text"))

    content_panels = [
        *Page.content_panels, FieldPanel("kind"), FieldPanel("published_on"), FieldPanel("expires_on"),
        FieldPanel("pinned"), FieldPanel("body"),
    ]  # fmt: skip
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.BulletinPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("notice")

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.expires_on and self.published_on and self.expires_on < self.published_on:
            raise ValidationError({"expires_on": _("A notice cannot expire before it is published.")})


class ProcedureIndexPage(SectionPage):
    """亮程序: each service's procedure as a flowchart.

    Procedures are defined by the case modules (``tenants.cases``): each live service shows the
    published procedures of the kinds of case serving its duty, as the flowchart drawn from the
    very definition cases run under, with its steps in words. A service whose duty has no
    published procedure says so, never shows an invented one; published procedures of duties
    that no service page covers are listed after the services.
    """

    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("procedures")

    def get_context(self, request, *args, **kwargs):
        from tenants.cases.flowchart import published_charts_by_duty

        context = super().get_context(request, *args, **kwargs)
        services = list(ServiceItemPage.objects.live().order_by("path"))
        charts = published_charts_by_duty()
        duty_labels = dict(ServiceDuty.choices)
        context["services"] = services
        context["service_procedures"] = [
            {"service": service, "charts": charts.get(service.duty, [])} for service in services
        ]
        served = {service.duty for service in services}
        context["other_procedures"] = [
            {"duty": duty, "label": duty_labels.get(duty, duty), "charts": found}
            for duty, found in charts.items()
            if duty not in served
        ]
        context["unpublished"] = any(not item["charts"] for item in context["service_procedures"])
        return context


class BrandIndexPage(SectionPage):
    """有品牌: the home's service brands."""

    subpage_types = ["cms.ServiceBrandPage"]

    class Meta:
        verbose_name = _("service brands")


class ServiceBrandPage(Page):
    """A named, recurring, well-liked service (服务品牌): its story, photos and results."""

    duty = models.CharField(_("service duty"), max_length=20, choices=ServiceDuty.choices, blank=True)
    since = models.PositiveIntegerField(_("since (year)"), null=True, blank=True)
    story = RichTextField(_("story"))
    results = RichTextField(_("results"), blank=True)

    content_panels = [
        *Page.content_panels, FieldPanel("duty"), FieldPanel("since"), FieldPanel("story"), FieldPanel("results"),
        InlinePanel("photos", label=_("Photos")),
    ]  # fmt: skip
    search_fields = [*Page.search_fields, index.SearchField("story")]
    parent_page_types = ["cms.BrandIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("service brand")


class BrandPhoto(Photo):
    page = ParentalKey(ServiceBrandPage, on_delete=models.CASCADE, related_name="photos")


# The sections every union's site starts with, in menu order (seeded in the template schema).
SECTIONS: tuple[tuple[type[Page], str, str], ...] = (
    (RoomIndexPage, "rooms", "场地设施"),
    (PeoplePage, "people", "工会人员"),
    (RuleIndexPage, "rules", "规章制度"),
    (ServiceIndexPage, "services", "服务项目"),
    (BulletinPage, "bulletin", "公告栏"),
    (ProcedureIndexPage, "procedures", "服务流程"),
    (BrandIndexPage, "brands", "服务品牌"),
)
