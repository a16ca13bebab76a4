"""The site menu: a union's site lists its sections and the app sections; the portal has no
union apps, so it links to none of them."""

from __future__ import annotations

import pytest

from cms.selectors import APP_SECTIONS

pytestmark = pytest.mark.django_db


def test_a_union_site_links_to_its_app_sections(union_a, client_for):
    page = client_for(union_a).get("/").content.decode()
    for _title, url in APP_SECTIONS:
        assert f'href="{url}"' in page
        assert client_for(union_a).get(url).status_code == 200


def test_the_portal_links_to_no_union_app(portal, client_for):
    response = client_for(portal).get("/")
    assert response.status_code == 200
    for _title, url in APP_SECTIONS:
        assert f'href="{url}"' not in response.content.decode()
