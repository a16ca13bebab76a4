"""Certificates: the PDF (parsed with pypdf) names the holder and the course, its QR code's
page verifies it publicly with the name masked; only the holder and staff download it, and
nothing of union A's certificates is reachable through union B."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from tenants.training.certificates import certificate_pdf, certificate_verify_url
from tenants.training.models import CourseSession
from tenants.training.services import attendance_record, certificate_issue, enrolment_create
from tests.factories import make_person
from tests.training.conftest import api, make_course, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(union_a, people):
    """王建国 completed 电工技能提升班 (3 of 3 sessions, 6 hours) and was given a certificate."""
    officer, worker = people["officer"][1], people["worker"][1]
    course = make_course(union_a, officer, first_day=-21, sessions=3)
    with tenant_context(union_a):
        enrolment = enrolment_create(course=course, user=worker)
        for session in CourseSession.objects.filter(course=course):
            attendance_record(session=session, present=[enrolment.pk], by=officer)
        return certificate_issue(enrolment=enrolment, by=officer)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages)


def test_the_holder_downloads_a_pdf_naming_them_and_the_course_and_its_qr_code_verifies_it(
    union_a, client_for, people, certificate
):
    # Given a completed course's certificate, when its holder downloads it from the site
    response = signed_in(client_for(union_a), people["worker"][0]).get(
        f"/training/certificates/{certificate.pk}/pdf/"
    )
    # Then it is a PDF that names the holder, the course and the certificate's number
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "王建国" in text and "电工技能提升班" in text and certificate.number in text
    # And its QR code opens the union's public verification page
    with tenant_context(union_a):
        url = certificate_verify_url(certificate)
        assert certificate_pdf(certificate) == response.content  # drawn once, then from the cache
    assert url.startswith(f"http://{union_a.primary_host}")
    path = f"/training/verify/{certificate.verify_token}/"
    assert url.endswith(path)
    page = client_for(union_a).get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "王*国" in html and "王建国" not in html
    assert "电工技能提升班" in html and certificate.number in html and ">6" in html
    assert certificate.issued_on.strftime("%Y-%m-%d") in html
    # A made-up token verifies nothing
    assert client_for(union_a).get("/training/verify/not-a-real-token/").status_code == 404


def test_only_the_holder_and_staff_download_the_certificate(union_a, client_for, people, certificate):
    path = f"/training/certificates/{certificate.pk}/pdf/"
    assert signed_in(client_for(union_a), people["other"][0]).get(path).status_code == 404
    anonymous = client_for(union_a).get(path)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    officer = signed_in(client_for(union_a), people["officer"][0]).get(path)
    assert officer.status_code == 200 and officer.content.startswith(b"%PDF-")


def test_union_b_cannot_fetch_or_verify_union_a_certificate(union_a, union_b, client_for, certificate):
    chairman_b_account, chairman_b = make_person(union_b, "chairman", name="刘主席")
    client_b = signed_in(client_for(union_b), chairman_b_account)
    assert client_b.get(f"/training/certificates/{certificate.pk}/pdf/").status_code == 404
    assert client_for(union_b).get(f"/training/verify/{certificate.verify_token}/").status_code == 404
    api_b = api(client_for, union_b, chairman_b)
    assert api_b.get(f"/api/v1/training/certificates/{certificate.pk}/").status_code == 404
    assert api_b.get(f"/api/v1/training/certificates/{certificate.pk}/pdf/").status_code == 404
    assert api_b.get("/api/v1/training/certificates/").json()["results"] == []
    assert client_for(union_b).get(f"/api/v1/training/verify/{certificate.verify_token}/").status_code == 404
    # Through union A's own host, the API check answers with the masked holder
    check = client_for(union_a).get(f"/api/v1/training/verify/{certificate.verify_token}/").json()
    assert check == {
        "number": certificate.number, "holder": "王*国", "course": "电工技能提升班", "hours": "6.0",
        "issued_on": certificate.issued_on.isoformat(),
    }  # fmt: skip
