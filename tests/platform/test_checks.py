"""The project's system checks hold on the real models and catch a breaking foreign key."""

from django.db import models

from workershome.checks import union_only_user_references


def test_the_models_pass():
    assert union_only_user_references() == []


def test_a_cascading_user_key_in_a_union_only_app_is_reported(monkeypatch):
    from tenants.membership.models import MembershipRequest

    field = MembershipRequest._meta.get_field("decided_by")
    monkeypatch.setattr(field.remote_field, "on_delete", models.CASCADE)
    errors = union_only_user_references()
    assert [error.id for error in errors] == ["workershome.E001"]


def test_public_only_user_keys_never_follow_a_unions_user_deletion(monkeypatch):
    from federation.models import FederationRole
    from workershome.checks import public_only_user_references

    assert public_only_user_references() == []
    field = FederationRole._meta.get_field("user")
    monkeypatch.setattr(field.remote_field, "on_delete", models.CASCADE)
    assert [error.id for error in public_only_user_references()] == ["workershome.E002"]
