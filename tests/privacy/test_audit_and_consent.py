"""The audit log of sensitive reads cannot be changed by the application's database role; no
sensitive data is collected without the worker's recorded consent; a worker sees which of
their sensitive records exist, not their content, and only in their own union."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import tenant_context

from tenants.hardship.models import HardshipFile
from tenants.privacy.models import Consent, SensitiveAccess
from tenants.privacy.services import consent_withdraw, sensitive_read_log
from tests.hardship.conftest import open_file, signed_in
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_the_audit_table_refuses_update_delete_and_truncate(union_a, file, people):
    with tenant_context(union_a):
        # Given an audit row
        row = sensitive_read_log(user=people["officer"], obj=file, action="read", via="admin", purpose="查看")
        # When it is updated, deleted or the table truncated, through the ORM or SQL
        attempts = [
            lambda: SensitiveAccess.objects.filter(pk=row.pk).update(action="export"),
            lambda: SensitiveAccess.objects.filter(pk=row.pk).delete(),
            lambda: row.delete(),
        ]
        for statement in ("UPDATE privacy_sensitiveaccess SET user_name = 'x'",
                          "DELETE FROM privacy_sensitiveaccess", "TRUNCATE privacy_sensitiveaccess"):  # fmt: skip
            attempts.append(lambda sql=statement: connection.cursor().execute(sql))
        for attempt in attempts:
            # Then each is refused by the database
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                attempt()
        # And the row is as it was
        again = SensitiveAccess.objects.get(pk=row.pk)
        assert (again.user_name, again.action, again.model) == ("李干事", "read", "hardship.hardshipfile")


def test_no_file_is_opened_without_consent_and_nothing_is_kept(union_a, people):
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            open_file(people)
        assert error.value.code == "consent_required" and str(error.value.message)
        assert not HardshipFile.objects.exists()


def test_a_withdrawn_consent_stops_new_collection(union_a, people, consent):
    with tenant_context(union_a):
        consent_withdraw(consent=consent, by=people["officer"])
        with pytest.raises(ServiceError) as error:
            open_file(people)
        assert error.value.code == "consent_required"
        assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None


def test_a_consent_without_a_purpose_is_refused(union_a, people):
    from tenants.privacy.services import consent_record

    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            consent_record(
                worker=people["worker"], scope="hardship", method="written", purpose=" ", by=people["officer"]
            )
        assert error.value.field == "purpose" and not Consent.objects.exists()


def test_a_worker_sees_which_sensitive_records_exist_but_not_their_content(
    union_a, union_b, file, people, client_for
):
    # Given a worker with a hardship file, signed in on their union's site
    client = signed_in(client_for(union_a), people["worker"])
    # When they open their privacy page
    html = client.get("/my/privacy/").content.decode()
    # Then the file's kind, reference and the opener's role are listed, with the consent's purpose
    assert file.reference in html and "工会干部" in html
    assert "建立困难职工帮扶档案" in html
    # But none of its content
    for secret in ("尿毒症", "11010519491231002X", "2600", "腰椎", "王小红"):
        assert secret not in html
    # And listing existence is not a read of the file
    with tenant_context(union_a):
        assert not SensitiveAccess.objects.exists()


def test_another_unions_privacy_page_shows_nothing_of_this_union(union_a, union_b, file, people, client_for):
    from tests.factories import make_person

    # Given the same person is a member of union B too
    account = people["worker"].account
    from accounts.services import local_user_for_account

    with tenant_context(union_b):
        local_user_for_account(account=account, create=True, roles=("member",))
    make_person(union_b, "member")
    client = signed_in(client_for(union_b), people["worker"])
    html = client.get("/my/privacy/").content.decode()
    assert file.reference not in html and "建立困难职工帮扶档案" not in html


def test_a_worker_withdraws_their_own_consent_on_their_privacy_page(union_a, people, consent, client_for):
    """Given a worker's consent, when they press withdraw on /my/privacy/, then it is withdrawn
    and no new file can be opened under it; another person's consent cannot be withdrawn by
    them (404), nor by a GET."""
    client = signed_in(client_for(union_a), people["worker"])
    assert f"/my/privacy/consents/{consent.pk}/withdraw/" in client.get("/my/privacy/").content.decode()
    assert client.get(f"/my/privacy/consents/{consent.pk}/withdraw/").status_code == 405

    other = signed_in(client_for(union_a), people["officer"])
    assert other.post(f"/my/privacy/consents/{consent.pk}/withdraw/").status_code == 404
    with tenant_context(union_a):
        assert Consent.objects.get(pk=consent.pk).withdrawn_at is None

    response = client.post(f"/my/privacy/consents/{consent.pk}/withdraw/", follow=True)
    assert response.status_code == 200 and "撤回" in response.content.decode()
    with tenant_context(union_a):
        assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
        with pytest.raises(ServiceError) as error:
            open_file(people)
        assert error.value.code == "consent_required"
