from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict:
    """The current union (or the federation portal) for every template."""
    union = getattr(request, "tenant", None)
    is_portal = union is None or union.schema_name == "public"
    return {
        "current_union": None if is_portal else union,
        "is_portal": is_portal,
        "base_domain": settings.BASE_DOMAIN,
    }
