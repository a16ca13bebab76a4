"""After an upgrade's migrations, existing unions' roles get the permissions the code now gives."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models.signals import post_migrate
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


def test_migrating_a_union_grants_its_roles_what_the_code_now_gives(union_a):
    config = apps.get_app_config("users")
    with tenant_context(union_a):
        officer = Group.objects.get(name="officer")
        officer.permissions.remove(*officer.permissions.filter(content_type__app_label="cases"))
        assert not officer.permissions.filter(codename="view_case").exists()
        # what `migrate_schemas` sends once it has migrated the union's schema
        post_migrate.send(
            sender=config,
            app_config=config,
            using="default",
            verbosity=0,
            interactive=False,
            plan=[],
            apps=apps,
        )
        assert officer.permissions.filter(codename="view_case").exists()
