"""The privacy tests use the hardship module's fixtures: it is the first module with sensitive data."""

from tests.hardship.conftest import consent, file, people  # noqa: F401
