from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _page_cache_refresh(sender=None, instance=None, **kwargs) -> None:
    """A page was published, unpublished, moved or deleted: the union's cached pages go stale."""
    from wagtail.models import Page

    from workershome.page_cache import page_cache_refresh

    if instance is None or isinstance(instance, Page):
        page_cache_refresh()


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Workers' Home website")

    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from wagtail.signals import page_published, page_unpublished, post_page_move

        for name, signal in (
            ("published", page_published), ("unpublished", page_unpublished), ("moved", post_page_move),
            ("deleted", post_delete),
        ):  # fmt: skip
            signal.connect(_page_cache_refresh, dispatch_uid=f"page_cache_refresh_{name}")
