"""Wall posters (上墙): print-ready PDFs of the five displays, with Chinese fonts embedded.

Given a union whose site publishes its name plate, people, rules and services, each poster renders
on A3 and A4 at the exact paper size, its Chinese text can be extracted, every font is embedded,
and the name plate's QR code decodes to the union's site. Only the union's own staff print them.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.core.files.base import ContentFile
from django.utils import translation
from django_tenants.utils import tenant_context
from PIL import Image as PILImage
from wagtail import hooks

from cms.models import (
    HomePage,
    PeoplePage,
    RuleIndexPage,
    RulePage,
    ServiceIndexPage,
    ServiceItemPage,
    StaffMember,
)
from cms.posters import SIZES, PosterError, poster_pdf, qr_svg_data_uri
from tenants.registry.services import union_url
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db

UNION_NAME = "朝阳区星河科技有限公司工会"
ADDRESS = "北京市朝阳区望京街10号星河大厦B1层"
HOURS = "工作日 9:00—21:00，周六 9:00—17:00"
CHAIRMAN = "张伟"
CHAIRMAN_MOBILE = "13800138000"
CHAIRMAN_EMAIL = "zhangwei@xinghe.example.cn"
RULE_TITLE = "职工之家管理制度"
RULE_TEXT = "职工之家每周开放六天，职工凭工会会员卡免费使用各活动室。"
SERVICE_TITLE = "劳动争议调解"
SERVICE_FOR = "本单位全体职工"
SERVICE_WHERE = "三层劳动争议调解室"
SERVICE_ASK = "拨打工会热线或到工会办公室登记"
SECOND_SERVICE = "心理疏导"
# A3 and A4 in PDF points (1 pt = 1/72 in).
PAPER_POINTS = {"A3": (841.89, 1190.55), "A4": (595.28, 841.89)}


# --- given: a union's published site ----------------------------------------------------------


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


def _logo(colour=(183, 28, 28)):
    from wagtail.images import get_image_model

    image = PILImage.new("RGB", (240, 240), (255, 255, 255))
    for x in range(40, 200):
        for y in range(40, 200):
            if (x - 120) ** 2 + (y - 120) ** 2 < 80**2:
                image.putpixel((x, y), colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    logo = get_image_model()(title="会徽", file=ContentFile(out.getvalue(), name="logo.png"))
    logo.save()
    return logo


@pytest.fixture
def site_a(union_a, media_root):
    """Union A's site with its name plate, chairman, staff, a rule and two services published."""
    with tenant_context(union_a):
        home = HomePage.objects.get()
        home.address, home.opening_hours, home.logo = ADDRESS, HOURS, _logo()
        home.save_revision().publish()
        people = PeoplePage.objects.get()
        people.chairman_name, people.chairman_mobile, people.chairman_email = (
            CHAIRMAN, CHAIRMAN_MOBILE, CHAIRMAN_EMAIL,
        )  # fmt: skip
        people.save_revision().publish()
        StaffMember.objects.create(
            page=people, name="李娜", role="工会副主席", badge_number="XH-002", duties="女职工工作"
        )
        StaffMember.objects.create(page=people, name="王强", role="劳动争议调解员", badge_number="XH-003")
        rule = _publish(
            RuleIndexPage.objects.get(),
            RulePage(
                title=RULE_TITLE, category=RulePage.Category.MANAGEMENT, in_force_from=datetime.date(2026, 3, 1),
                version="2026年修订", body=f"<p>{RULE_TEXT}</p><ol><li>爱护公共设施。</li></ol>",
            ),
        )  # fmt: skip
        services = ServiceIndexPage.objects.get()
        service = _publish(
            services,
            ServiceItemPage(
                title=SERVICE_TITLE, duty="mediation", summary="劳动法律咨询、劳动争议调解、法律援助转介",
                for_whom=SERVICE_FOR, when="每周三 14:00—17:00", where=SERVICE_WHERE,
                how_to_ask=f"<p>{SERVICE_ASK}</p>",
            ),
        )  # fmt: skip
        _publish(
            services, ServiceItemPage(title=SECOND_SERVICE, duty="counselling", summary="一对一心理疏导")
        )
        return {"rule": rule, "service": service}


def pdf_of(union, kind: str, size: str = "A3", page=None) -> bytes:
    with tenant_context(union), translation.override("zh-hans"):
        return poster_pdf(kind=kind, size=size, page=page)


def pdf_text(pdf: bytes) -> str:
    """All the text of the PDF, without white space (lines break anywhere in Chinese)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def pdf_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(base font, embedded) of every font the PDF uses, descendant fonts included."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for part in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                descriptor = part.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts.append((str(part.get("/BaseFont")), embedded))
    return fonts


def page_png(pdf: bytes, index: int = 0, dpi: int = 100) -> PILImage.Image:
    document = pypdfium2.PdfDocument(pdf)
    return document[index].render(scale=dpi / 72).to_pil()


def zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


EXPECTED_TEXT = {
    "nameplate": [UNION_NAME, ADDRESS.replace(" ", ""), "9:00—21:00"],
    "identity": [CHAIRMAN, CHAIRMAN_MOBILE, CHAIRMAN_EMAIL, "李娜", "工会副主席", "XH-002", "劳动争议调解员"],
    "rule": [RULE_TITLE, "2026-03-01", "2026年修订", RULE_TEXT, "爱护公共设施"],
    "services": [SERVICE_TITLE, SERVICE_FOR, SERVICE_WHERE, SERVICE_ASK, SECOND_SERVICE],
    "procedures": [SERVICE_TITLE, SECOND_SERVICE],
}


# --- the PDFs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["A3", "A4"])
@pytest.mark.parametrize("kind", ["nameplate", "identity", "rule", "services", "procedures"])
def test_each_poster_prints_on_a3_and_a4_with_its_chinese_text_and_embedded_fonts(
    site_a, union_a, kind, size
):
    pdf = pdf_of(union_a, kind, size, page=site_a["rule"] if kind == "rule" else None)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (width, height) == pytest.approx(PAPER_POINTS[size], abs=0.5)
    text = pdf_text(pdf)
    for expected in EXPECTED_TEXT[kind]:
        assert expected in text, (kind, expected)
    fonts = pdf_fonts(pdf)
    assert fonts, "no fonts found"
    assert all(embedded for _name, embedded in fonts), fonts
    assert any("CJK" in name for name, _embedded in fonts), fonts


def test_name_plate_qr_code_opens_the_unions_site(site_a, union_a):
    pdf = pdf_of(union_a, "nameplate", "A3")

    results = zxingcpp.read_barcodes(page_png(pdf, dpi=100))

    assert [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode] == [union_url(union_a)]
    assert union_url(union_a).startswith("http://xinghe.localhost")
    assert union_url(union_a) in pdf_text(pdf)


def test_name_plate_of_a_new_union_prints_without_logo_address_or_hours(union_b):
    pdf = pdf_of(union_b, "nameplate", "A4")
    assert "海淀区恒通物流有限公司工会" in pdf_text(pdf)
    results = zxingcpp.read_barcodes(page_png(pdf, dpi=120))
    assert [r.text for r in results] == [union_url(union_b)]


def test_qr_code_is_a_vector_image():
    uri = qr_svg_data_uri("http://xinghe.localhost/")
    assert uri.startswith("data:image/svg+xml")


def test_procedures_say_the_flowchart_is_not_yet_published_and_never_invent_one(site_a, union_a):
    text = pdf_text(pdf_of(union_a, "procedures", "A4"))
    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        notice = gettext("The procedure flowcharts of these services are not yet published.")
    assert re.sub(r"\s+", "", notice) in text
    assert SERVICE_TITLE in text and SECOND_SERVICE in text

    one = pdf_text(pdf_of(union_a, "procedures", "A4", page=site_a["service"]))
    assert SERVICE_TITLE in one and SERVICE_ASK in one and SECOND_SERVICE not in one


def test_a_published_flowchart_is_placed_on_its_services_poster(site_a, union_a):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120" viewBox="0 0 400 120">'
        '<rect x="5" y="5" width="150" height="50" fill="none" stroke="black"/>'
        '<text x="20" y="35" font-size="16">受理登记</text></svg>'
    )

    def flowchart(service):
        return svg if service.title == SERVICE_TITLE else None

    with hooks.register_temporarily("procedure_flowchart_svg", flowchart):
        pdf = pdf_of(union_a, "procedures", "A3")

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # the charted service's sheet, then those still unpublished
    assert "受理登记" in re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert SECOND_SERVICE in re.sub(r"\s+", "", reader.pages[1].extract_text())


def test_a_service_list_and_identity_board_of_an_empty_union_still_print(union_b):
    for kind in ("identity", "services", "procedures"):
        assert pdf_text(pdf_of(union_b, kind, "A4"))


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "nameplate", "size": "A5"}, "bad_size"),
        ({"kind": "flyer"}, "unknown_kind"),
        ({"kind": "rule"}, "page_required"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(union_a, kwargs, code):
    with tenant_context(union_a), pytest.raises(PosterError) as raised:
        poster_pdf(**kwargs)
    assert raised.value.code == code
    assert str(raised.value.message)


def test_a_page_of_another_type_is_refused(site_a, union_a):
    with tenant_context(union_a), pytest.raises(PosterError) as raised:
        poster_pdf(kind="rule", page=site_a["service"])
    assert raised.value.code == "wrong_page"


def test_sizes_are_iso_a3_and_a4():
    assert SIZES["A3"].points == pytest.approx(PAPER_POINTS["A3"], abs=0.01)
    assert SIZES["A4"].points == pytest.approx(PAPER_POINTS["A4"], abs=0.01)


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_reports_every_font_embedded(site_a, union_a, tmp_path):
    path = tmp_path / "rule.pdf"
    path.write_bytes(pdf_of(union_a, "rule", "A4", page=site_a["rule"]))
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines), lines


# --- the views ----------------------------------------------------------------------------------


def signed_in(client_for, union, *roles):
    account, _user = make_person(union, *roles)
    client = client_for(union)
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_staff_print_posters_from_the_list(site_a, union_a, client_for):
    client = signed_in(client_for, union_a, "officer")

    listing = client.get("/posters/")
    assert listing.status_code == 200
    assert RULE_TITLE in listing.content.decode()
    rule_url = f"/posters/rule/{site_a['rule'].pk}.pdf?size=A4"
    assert rule_url.replace("&", "&amp;") in listing.content.decode()

    for url in ("/posters/nameplate.pdf", "/posters/identity.pdf?size=a4", rule_url,
                f"/posters/procedures/{site_a['service'].pk}.pdf?size=A3"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    width, _height = pypdf.PdfReader(io.BytesIO(client.get(rule_url).content)).pages[0].mediabox.upper_right
    assert float(width) == pytest.approx(PAPER_POINTS["A4"][0], abs=0.5)


def test_admin_menu_links_to_the_wall_posters(union_a, client_for):
    client = signed_in(client_for, union_a, "editor")
    response = client.get("/admin/")
    assert response.status_code == 200
    menu = response.content.decode()
    assert "wall-posters" in menu
    assert "/posters/" in menu


def test_a_member_is_refused_and_a_visitor_is_sent_to_sign_in(site_a, union_a, client_for):
    member = signed_in(client_for, union_a, "member")
    for url in ("/posters/", "/posters/nameplate.pdf", f"/posters/rule/{site_a['rule'].pk}.pdf"):
        assert member.get(url).status_code == 403, url
    visitor = client_for(union_a).get("/posters/nameplate.pdf")
    assert visitor.status_code == 302
    assert "/accounts/login/" in visitor["Location"]


def test_union_b_staff_cannot_print_union_a_rule(site_a, union_a, union_b, client_for):
    rule_id = site_a["rule"].pk
    with tenant_context(union_b):
        assert not RulePage.objects.filter(pk=rule_id).exists()
    b_staff = signed_in(client_for, union_b, "chairman")

    response = b_staff.get(f"/posters/rule/{rule_id}.pdf")

    assert response.status_code == 404
    assert RULE_TITLE not in response.content.decode(errors="replace")
    # and A's session is worthless on B's host
    a_staff = signed_in(client_for, union_a, "chairman")
    cross = a_staff.get(f"/posters/rule/{rule_id}.pdf", HTTP_HOST=union_b.primary_host)
    assert cross.status_code in (302, 403, 404)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/posters/nameplate.pdf?size=A5", 400),
        ("/posters/nameplate.pdf?size=%3Cscript%3E", 400),
        ("/posters/flyer.pdf", 404),
        ("/posters/rule.pdf", 404),
        ("/posters/rule/999999999.pdf", 404),
        ("/posters/procedures/999999999.pdf", 404),
        ("/posters/rule/99999999999999999999999.pdf", 404),
    ],
)
def test_bad_size_kind_or_id_is_a_clear_4xx(site_a, union_a, client_for, url, status):
    client = signed_in(client_for, union_a, "officer")
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:300]
    body = response.content.decode()
    assert "<script>" not in body
    if status == 400:
        assert "未知的纸张规格" in body


def test_a_rule_page_id_of_a_service_is_not_a_rule_poster(site_a, union_a, client_for):
    client = signed_in(client_for, union_a, "officer")
    assert client.get(f"/posters/rule/{site_a['service'].pk}.pdf").status_code == 404


@pytest.mark.skipif(
    not os.environ.get("POSTER_PREVIEW_DIR"), reason="set POSTER_PREVIEW_DIR to keep PNG previews"
)
def test_write_previews(site_a, union_a):
    out = Path(os.environ["POSTER_PREVIEW_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    for kind in ("nameplate", "identity", "rule", "services", "procedures"):
        pdf = pdf_of(union_a, kind, "A3", page=site_a["rule"] if kind == "rule" else None)
        (out / f"{kind}.pdf").write_bytes(pdf)
        page_png(pdf, dpi=60).save(out / f"{kind}.png")
