"""OpenAPI generation settings."""


def only_platform_api(endpoints, **kwargs):
    """Document the platform's API under /api/ only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
