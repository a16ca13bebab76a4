"""URLs of the wall posters, included by a union's URL conf under ``posters/``:

- ``posters/`` the list; ``posters/<kind>.pdf?size=A3|A4`` the name plate (``nameplate``), the
  identity board (``identity``), the service items (``services``), the procedures (``procedures``);
- ``posters/rule/<id>.pdf`` one rule; ``posters/procedures/<id>.pdf`` one service's procedure.
"""

from django.urls import path, re_path

from . import poster_views

app_name = "cms_posters"

urlpatterns = [
    path("", poster_views.poster_list, name="list"),
    re_path(r"^(?P<kind>[a-z_-]{1,40})\.pdf$", poster_views.poster_of_kind, name="kind"),
    re_path(
        r"^(?P<kind>rule|procedures)/(?P<page_id>[0-9]{1,18})\.pdf$", poster_views.poster_of_page, name="page"
    ),
]
