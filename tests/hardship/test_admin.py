"""困难帮扶 in the union's admin: the masked list, a file's page and its exports each written to
the audit log, refused views audited, opening a file after consent, and nothing of union A
through union B's admin."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.hardship.models import AssistanceRecord, HardshipEvidence, HardshipFile
from tests.factories import make_person
from tests.hardship.conftest import ID_WORKER, audit_rows, signed_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_list_is_masked_and_the_file_page_and_exports_are_audited(
    union_a, client_for, people, file, media_root
):
    client = signed_in(client_for(union_a), people["officer"])
    listing = client.get("/admin/hardship/files/").content.decode()
    assert "王*明" in listing and "110105********002X" in listing
    assert ID_WORKER not in listing and "王小明" not in listing and "2600" not in listing
    assert audit_rows(union_a, file) == []
    page = client.get(f"/admin/hardship/files/{file.pk}/").content.decode()
    assert ID_WORKER in page and "尿毒症" in page and "2600" in page
    # An evidence document, type-checked, then downloaded
    bad = client.post(
        f"/admin/hardship/files/{file.pk}/",
        {
            "action": "evidence",
            "evidence-upload": SimpleUploadedFile("bill.exe", b"MZ..."),
            "evidence-description": "x",
        },
    )
    assert bad.status_code == 400
    with tenant_context(union_a):
        assert not HardshipEvidence.objects.exists()
    good = client.post(
        f"/admin/hardship/files/{file.pk}/",
        {
            "action": "evidence",
            "evidence-upload": SimpleUploadedFile("住院费用清单.pdf", PDF),
            "evidence-description": "住院费用",
        },
    )
    assert good.status_code == 302
    with tenant_context(union_a):
        evidence = HardshipEvidence.objects.get()
    assert evidence.document.name.startswith(f"private/hardship/{file.pk}/")
    assert (
        client.get(f"/media/{union_a.schema_name}/{evidence.document.name}").status_code == 404
    )  # never plain media
    assert client.get(f"/admin/hardship/files/{file.pk}/evidence/{evidence.pk}/").status_code == 200
    export = client.get(f"/admin/hardship/files/{file.pk}/export/")
    assert export.status_code == 200 and ID_WORKER in export.content.decode("utf-8-sig")
    assert audit_rows(union_a, file) == [
        ("李干事", "read", "admin"), ("李干事", "read", "admin"), ("李干事", "read", "admin"),
        ("李干事", "export", "admin"), ("李干事", "export", "admin"),
    ]  # fmt: skip


def test_bad_assistance_in_the_admin_shows_a_message_and_saves_nothing(union_a, client_for, people, file):
    client = signed_in(client_for(union_a), people["officer"])
    response = client.post(f"/admin/hardship/files/{file.pk}/", {
        "action": "assistance", "assistance-form": "money", "assistance-amount": "-100",
        "assistance-source": "union_funds", "assistance-description": "医疗救助",
        "assistance-given_on": str(timezone.localdate())})  # fmt: skip
    assert response.status_code == 400
    with tenant_context(union_a):
        assert not AssistanceRecord.objects.exists()


@pytest.mark.parametrize("who", ["officer2", "mediator"])
def test_staff_not_on_the_file_are_refused_and_audited(union_a, client_for, people, file, who):
    client = signed_in(client_for(union_a), people[who])
    assert client.get(f"/admin/hardship/files/{file.pk}/").status_code == 404
    assert client.get(f"/admin/hardship/files/{file.pk}/export/").status_code == 404
    assert [row[1:] for row in audit_rows(union_a, file)] == [("refused", "admin"), ("refused", "admin")]


def test_opening_a_file_in_the_admin_needs_the_consent_first(union_a, client_for, people):
    client = signed_in(client_for(union_a), people["officer"])
    form = {"mobile": people["worker"].username, "kind": "medical", "tier": "deep", "id_number": ID_WORKER,
            "monthly_income": "2600", "household_size": "3", "causes": "妻子患尿毒症"}  # fmt: skip
    refused = client.post("/admin/hardship/files/new/", form)
    assert refused.status_code == 400
    with tenant_context(union_a):
        assert not HardshipFile.objects.exists()
    consent = client.post(
        "/admin/hardship/consents/new/",
        {"mobile": people["worker"].username, "method": "written", "purpose": "建立帮扶档案，核实家庭收入。"},
    )
    assert consent.status_code == 302
    opened = client.post("/admin/hardship/files/new/", form)
    assert opened.status_code == 302
    with tenant_context(union_a):
        assert HardshipFile.objects.get().id_number == ID_WORKER


def test_union_b_admin_sees_nothing_of_union_a(union_a, union_b, client_for, people, file):
    chairman_b = make_person(union_b, "chairman", name="陈主席")[1]
    client = signed_in(client_for(union_b), chairman_b)
    assert "王*明" not in client.get("/admin/hardship/files/").content.decode()
    assert client.get(f"/admin/hardship/files/{file.pk}/").status_code == 404
    assert client.get(f"/admin/hardship/files/{file.pk}/export/").status_code == 404
    assert client.get("/admin/hardship/due/").status_code == 200
