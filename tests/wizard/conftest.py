"""Fixtures for the wizard: a team, members, and step data a user would type for each scenario."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from wizard.models import Team


@pytest.fixture
def team(db: None) -> Team:
    return Team.objects.create(name="network-ops")


@pytest.fixture
def user(team: Team) -> Any:
    member = get_user_model().objects.create_user("alice", password="Correct-Horse-9")
    team.members.add(member)
    return member


@pytest.fixture
def client_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    return {"HX-Request": "true"}


def cloud_data(team: Team, **overrides: str) -> dict[str, str]:
    data = {
        "team": str(team.pk),
        "request_name": "fra-datacenter",
        "name": "vpngw-fra",
        "region": "eu-de",
        "vpc": "vpc-prod",
        "vpc_cidrs": "192.168.0.0/16",
        "local_subnets": "192.168.1.0/24\n192.168.2.0/24",
        "flavor": "Professional1",
        "bgp_asn": "64512",
        "ha_mode": "active-active",
        "attachment": "vpc",
        "network_type": "public",
    }
    return data | overrides


def site_data(index: int = 0, **overrides: str) -> dict[str, str]:
    data = {
        "name": f"Site-{index}",
        "gateway_ips": f"203.0.113.{10 + index}",
        "bgp_asn": "",
        "platform": "strongswan",
        "subnets": f"10.{index + 1}.0.0/16",
        "outside_interface": "",
    }
    return {f"site-{index}-{key}": value for key, value in (data | overrides).items()}


def routing_data(mode: str = "static", **overrides: str) -> dict[str, str]:
    return {"mode": mode, "tunnel_addressing": "automatic"} | overrides


def security_data(**overrides: str) -> dict[str, str]:
    return {"preset": "recommended", "psk_mode": "keep"} | overrides
