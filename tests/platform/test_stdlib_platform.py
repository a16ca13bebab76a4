"""platform/ has no __init__.py, so the standard library's `platform` module is not shadowed."""

import importlib
from pathlib import Path

import pytest


def test_stdlib_platform_module_still_works_inside_the_app(settings):
    import platform

    assert platform.python_version().startswith("3.")
    assert "site-packages" not in (platform.__file__ or "") and Path(
        platform.__file__
    ).parent.name.startswith("python3"), platform.__file__
    assert not (Path(settings.BASE_DIR) / "platform" / "__init__.py").exists()


@pytest.mark.django_db
def test_libraries_that_import_platform_load(client):
    # elastic_transport does `from platform import python_version`; so do others (kombu, urllib3).
    module = importlib.import_module("kombu.utils.compat")
    assert module is not None
    from platform import python_version

    assert python_version()
