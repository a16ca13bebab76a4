"""URLs every host serves: accounts, health, i18n, static and media in development."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("healthz", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(r"^media/(?P<schema>[a-z0-9_]+)/(?P<path>.+)$", views.union_media, name="union_media"),
]
if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)

handler404 = "workershome.views.page_not_found"
handler500 = "workershome.views.server_error"
