"""URLs every host serves: accounts, i18n, static and media in development (probes: health.py)."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from . import views

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    # Switching the display language changes nothing else, so it needs no CSRF token (the form
    # carries none, to keep anonymous pages cacheable); `next` is still checked by Django.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    re_path(r"^media/(?P<schema>[a-z0-9_]+)/(?P<path>.+)$", views.union_media, name="union_media"),
]
if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)

handler404 = "workershome.views.page_not_found"
handler500 = "workershome.views.server_error"
