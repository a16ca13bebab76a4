"""Small pieces every union app's admin views share: permission by policy, a service's refusal
shown on the form field it names, and a menu item shown by policy."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from wagtail.admin.menu import MenuItem

from .errors import ServiceError


def policy_require(policy, request: HttpRequest, action: str) -> None:
    """A 404 (not a 403) for someone the policy refuses: the page does not exist for them."""
    if not policy.user_has_permission(request.user, action):
        raise Http404


def form_error_add(form, error: ServiceError) -> bool:
    """Show a service's refusal on the visible field it names, else above the form.

    Returns whether it landed on a field."""
    field = (
        error.field if error.field in form.fields and not form.fields[error.field].widget.is_hidden else None
    )
    form.add_error(field, str(error.message))
    return field is not None


def policy_menu_item(policy, action: str) -> type[MenuItem]:
    class PolicyMenuItem(MenuItem):
        def is_shown(self, request: HttpRequest) -> bool:
            return policy.user_has_permission(request.user, action)

    return PolicyMenuItem
