"""Fixtures of the proposal campaign: a union's staff, its panel, two workers and a campaign
open today, all made through the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.proposals.models import Proposal, ProposalCampaign
from tenants.proposals.selectors import clock_at
from tenants.proposals.services import campaign_create, proposal_submit
from tenants.users.models import User
from tests.factories import PASSWORD, make_person


@dataclass
class People:
    chairman: User
    officer: User
    panelist_officer: User  # on the panel and proposal staff
    panelist_mediator: User  # on the panel only: blind review
    worker: User
    colleague: User
    mobiles: dict[str, str]


@pytest.fixture
def people(union_a) -> People:
    mobiles = {}
    users = {}
    for key, roles, name in (
        ("chairman", ("chairman",), "张主席"),
        ("officer", ("officer",), "李干事"),
        ("panelist_officer", ("officer",), "孙评委"),
        ("panelist_mediator", ("mediator",), "周评委"),
        ("worker", ("member",), "王建华"),
        ("colleague", ("member",), "陈秀兰"),
    ):
        account, user = make_person(union_a, *roles, name=name)
        mobiles[key], users[key] = account.mobile, user
    return People(**users, mobiles=mobiles)


def today() -> datetime.date:
    return timezone.localdate()


def make_campaign(union, people: People, *, year: int = 2031, **dates) -> ProposalCampaign:
    day = today()
    with tenant_context(union):
        return campaign_create(
            year=year,
            title=f"{year}年度职工合理化建议征集活动",
            description="围绕节能降耗、安全生产、提质增效征集建议。",
            submission_opens=dates.get("opens", day - datetime.timedelta(days=10)),
            submission_closes=dates.get("closes", day + datetime.timedelta(days=20)),
            evaluation_ends=dates.get("ends", day + datetime.timedelta(days=50)),
            panel=[people.panelist_officer, people.panelist_mediator],
            by=people.chairman,
        )


@pytest.fixture
def campaign(union_a, people) -> ProposalCampaign:
    return make_campaign(union_a, people)


def submit(union, campaign, proposer, *, title="车间照明改用LED节能灯", publish_name=True, co=()) -> Proposal:
    with tenant_context(union):
        return proposal_submit(
            campaign=campaign,
            proposer=proposer,
            title=title,
            department="二号装配车间",
            problem="车间仍使用金卤灯，功率大、发热高，每年电费约18万元。",
            suggestion="分批更换为LED工矿灯，并按区域加装分区开关。",
            expected_benefit="预计每年节约电费约9万元，车间温度下降。",
            co_proposer_mobiles=list(co),
            publish_name=publish_name,
        )


def after_evaluation(campaign: ProposalCampaign):
    """The clock on the day after the campaign's evaluation ends."""
    return clock_at(campaign.evaluation_ends + datetime.timedelta(days=1))


def signed_in(client_for, union, mobile: str) -> Client:
    client = client_for(union)
    response = client.post("/accounts/login/", {"username": mobile, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client
