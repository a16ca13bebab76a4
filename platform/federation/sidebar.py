"""The portal admin's sidebar, kept in the cache per user.

Wagtail builds the admin sidebar (``{% sidebar_props %}`` in ``wagtailadmin/base.html``) on every
admin page: each menu item and search area decides whether to show itself (permissions, page and
collection permissions, federation roles, whether the user's organisation shares resources or
staffs a station…), then the menu is packed to JSON. On the dashboard that was about a third of
the page's time and eight of its queries. Wagtail has no hook to cache it, so the tag is wrapped
(``sidebar_cache_install``, from ``FederationConfig.ready``).

A portal user's sidebar is the same from page to page (the highlighted item is chosen in the
browser from the URL), until what it is made from changes. The cache key holds exactly that: the
user, their name, the language, their permissions and groups, their federation roles, and the
unread notifications on the bell; an entry lives ``SIDEBAR_CACHE_SECONDS`` at most (five
minutes), which bounds anything else (a new avatar, a resource the user's union starts sharing).
Union sites build theirs every time, as before. ``SIDEBAR_CACHE_SECONDS = 0`` turns it off.

Should a Wagtail upgrade rename the tag or stop using it in ``wagtailadmin/base.html``, the wrap
would silently do nothing: the system check ``sidebar_cache_check`` reports it instead
(``manage.py check``: federation.E001, federation.E002).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from workershome.tenancy import on_portal

from .roles import federation_roles

DEFAULT_SECONDS = 300
KEY_PREFIX = "federation:sidebar:v1"
TAG_NAME = "sidebar_props"  # Wagtail's tag that builds the sidebar
BASE_TEMPLATE = "wagtailadmin/base.html"  # where Wagtail uses it
_library = template.Library()


def sidebar_seconds() -> int:
    return int(getattr(settings, "SIDEBAR_CACHE_SECONDS", DEFAULT_SECONDS))


def _unread(user: Any) -> int | None:
    """The number on the bell (the portal notifications' menu item shows it)."""
    try:
        from portal_notifications.selectors import portal_unread_count
    except ImportError:  # without the notifications app there is no number
        return None
    return portal_unread_count(user)


def sidebar_key(user: Any) -> str:
    """What the user's sidebar is made from, as a cache key."""
    roles = sorted((role.kind, role.district_id or 0, role.street_id or 0) for role in federation_roles(user))
    parts = [
        user.pk,
        user.get_username(),
        user.first_name,
        user.last_name,
        user.is_superuser,
        translation.get_language(),
        sorted(user.get_all_permissions()),  # read once per request already (admin access)
        sorted(user.groups.values_list("pk", flat=True)),
        roles,
        _unread(user),
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{user.pk}:{digest}"


def sidebar_cache_install() -> None:
    """Wrap Wagtail's ``sidebar_props`` tag: on the portal, for a signed-in user, the props come
    from the cache while the key holds. Templates compiled afterwards use the wrapper."""
    from wagtail.admin.templatetags import wagtailadmin_tags

    build = getattr(wagtailadmin_tags, TAG_NAME, None)
    if build is None or TAG_NAME not in wagtailadmin_tags.register.tags:
        return  # renamed by Wagtail: nothing to wrap, and sidebar_cache_check says so
    if getattr(build, "sidebar_cached", False):
        return

    def sidebar_props(context: template.Context) -> SafeString:
        request = context.get("request")
        user = getattr(request, "user", None)
        seconds = sidebar_seconds()
        if not seconds or user is None or not user.is_authenticated or not on_portal():
            return build(context)
        key = sidebar_key(user)
        props = cache.get(key)
        if props is None:
            props = str(build(context))
            cache.set(key, props, seconds)
        return mark_safe(props)  # Wagtail's own json_script output, as it built it

    sidebar_props.sidebar_cached = True  # type: ignore[attr-defined]
    _library.simple_tag(takes_context=True, name=TAG_NAME)(sidebar_props)
    wagtailadmin_tags.register.tags[TAG_NAME] = _library.tags[TAG_NAME]
    setattr(wagtailadmin_tags, TAG_NAME, sidebar_props)


@checks.register(checks.Tags.templates)
def sidebar_cache_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The sidebar cache is in place: Wagtail's ``sidebar_props`` tag exists and is the wrapper
    (federation.E001), and Wagtail's admin base template still uses it (federation.E002).
    Nothing to check when the cache is turned off (``SIDEBAR_CACHE_SECONDS = 0``)."""
    if not sidebar_seconds():
        return []
    from django.template import TemplateDoesNotExist, engines
    from wagtail.admin.templatetags import wagtailadmin_tags

    hint = (
        "Wagtail changed how it builds the admin sidebar: update federation/sidebar.py for this "
        "version, or set SIDEBAR_CACHE_SECONDS = 0 to turn the sidebar cache off."
    )
    registered = wagtailadmin_tags.register.tags.get(TAG_NAME)
    if registered is None or registered is not _library.tags.get(TAG_NAME):
        return [
            checks.Error(
                f"Wagtail's {{% {TAG_NAME} %}} tag is {'missing' if registered is None else 'not wrapped'}: "
                "the portal's sidebar cache does nothing.",
                hint=hint, id="federation.E001",
            )
        ]  # fmt: skip
    try:
        source = engines["django"].engine.get_template(BASE_TEMPLATE).source  # type: ignore[attr-defined]
    except TemplateDoesNotExist:
        source = ""
    if f"{{% {TAG_NAME} %}}" not in source:
        return [
            checks.Error(
                f"{BASE_TEMPLATE} no longer uses {{% {TAG_NAME} %}}: the portal's sidebar cache does nothing.",
                hint=hint, id="federation.E002",
            )
        ]  # fmt: skip
    return []
