"""The approval tests use the elections' fixtures: an election plan is the first upward approval."""

from tests.elections.conftest import committee, district_admins, voters  # noqa: F401
