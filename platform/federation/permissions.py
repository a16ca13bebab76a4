"""Who may manage the union registry in the federation portal's Wagtail admin."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from wagtail.permission_policies import BasePermissionPolicy

from tenants.registry.models import Union
from tenants.registry.selectors import unions_visible_to
from workershome.tenancy import on_portal

from .models import FederationRole
from .roles import has_federation_role

# Roles that oversee unions: the city's administrators all of them, a district's its own.
ADMIN_KINDS = (FederationRole.Kind.CITY_ADMIN, FederationRole.Kind.DISTRICT_ADMIN)
# Unions are listed, created and suspended or reinstated here; never deleted.
ACTIONS = frozenset({"view", "add", "change"})


class UnionRegistryPermissionPolicy(BasePermissionPolicy):
    """Federation roles, not Django permissions, decide who manages which unions.

    Only on the federation portal (public schema), where the registry and the roles live, and
    only for city and district administrators, each limited to the unions they oversee.
    Attached to the registry views explicitly rather than registered for ``Union`` globally:
    the registry's model is not the federation's to govern elsewhere in the admin.
    """

    permission_cache_name = "_union_registry_admin"

    def get_all_permissions_for_user(self, user) -> set[str]:
        if not (on_portal() and user.is_authenticated and user.is_active):
            return set()
        if not has_federation_role(user, *ADMIN_KINDS):
            return set()
        return set(ACTIONS)

    def user_has_permission(self, user, action: str) -> bool:
        return on_portal() and action in self.get_cached_permissions_for_user(user)

    def users_with_any_permission(self, actions) -> QuerySet:
        users = get_user_model().objects.filter(is_active=True, federation_roles__kind__in=ADMIN_KINDS)
        if not on_portal() or not ACTIONS.intersection(actions):
            return users.none()
        return users.distinct()

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet[Union]:
        if not self.user_has_any_permission(user, actions):
            return Union.objects.none()
        return unions_visible_to(user)

    def user_has_permission_for_instance(self, user, action: str, instance: Union) -> bool:
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()


union_registry_policy = UnionRegistryPermissionPolicy(Union)
