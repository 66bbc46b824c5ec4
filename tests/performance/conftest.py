"""A team whose hub, drafts and requests grow from one item to a hundred (RFC 5737 / RFC 1918 addresses)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wizard.choices import Platform, RequestStatus, Scenario, TunnelStatus
from wizard.models import AuditEvent, ConnectionRequest, DeviceConfig, Gateway, Team, Tunnel
from wizard.services.drafts import default_plan

PSK = "Example-Key-2024:ok"
GROWTH = 100


def branch(index: int, *, offset: int = 0) -> dict[str, Any]:
    """Branch ``index``: its own /24 (``offset`` moves it to another /16 range) and its own public IP."""
    number = index + offset
    return {
        "name": f"branch-{number:03d}",
        "gateway_ips": [f"203.0.113.{number % 250 + 1}" if offset == 0 else f"198.51.100.{number % 250 + 1}"],
        "bgp_asn": 65001 + number,
        "platform": Platform.STRONGSWAN,
        "subnets": [f"10.{1 + number // 256}.{number % 256}.0/24"],
        "outside_interface": "",
    }


def hub_plan(branches: int, *, offset: int = 0, name: str = "hub-branches") -> dict[str, Any]:
    """A BGP branch hub plan with ``branches`` branches; without the key, as stored."""
    plan = default_plan(Scenario.BRANCH_HUB)
    plan["name"] = name
    plan["routing"] = {"mode": "bgp", "branch_interconnection": True, "nqa": False}
    plan["gateways"][0] |= {
        "name": "vpngw-hub",
        "region": "eu-de",
        "vpc": "vpc-hub",
        "vpc_cidrs": ["192.168.0.0/16"],
        "local_subnets": ["192.168.1.0/24"],
        "flavor": "Professional2",
        "bgp_asn": 64512,
        "ip_addresses": ["198.51.100.250", "198.51.100.251"],
    }
    plan["sites"] = [branch(index, offset=offset) for index in range(branches)]
    return plan


def scenario_plan(scenario: str) -> dict[str, Any]:
    """A complete one-site (or two-gateway) plan of each scenario."""
    if scenario == Scenario.BRANCH_HUB:
        return hub_plan(1)
    plan = default_plan(scenario)
    plan["name"] = f"req-{scenario.replace('_', '-')}"
    plan["gateways"][0] |= {
        "name": "vpngw-a",
        "region": "eu-de",
        "vpc": "vpc-a",
        "vpc_cidrs": ["192.168.0.0/16"],
        "local_subnets": [] if scenario == Scenario.DC_BACKUP else ["192.168.1.0/24"],
    }
    if scenario == Scenario.CROSS_REGION:
        plan["gateways"][1] |= {
            "name": "vpngw-b",
            "region": "eu-nl",
            "vpc": "vpc-b",
            "vpc_cidrs": ["172.16.0.0/16"],
            "local_subnets": ["172.16.1.0/24"],
        }
    else:
        plan["sites"] = [branch(0)]
    if scenario == Scenario.DC_BACKUP:
        plan["direct_connect"]["subnets"] = list(plan["sites"][0]["subnets"])
    return plan


@dataclass
class World:
    """One team with a hub gateway, a member with a signed-in client and a reviewer with another."""

    team: Team
    member: AbstractBaseUser
    reviewer: AbstractBaseUser
    hub: Gateway
    client: Client
    staff_client: Client

    def request(
        self,
        plan: dict[str, Any],
        *,
        status: str = RequestStatus.PENDING_REVIEW,
        gateway: Gateway | None = None,
        current_step: str = "",
    ) -> ConnectionRequest:
        request = ConnectionRequest(
            team=self.team,
            owner=self.member,
            name=plan["name"],
            scenario=plan["scenario"],
            status=status,
            gateway=gateway,
            plan=plan,
            current_step=current_step,
            submitted_at=None if status == RequestStatus.DRAFT else timezone.now(),
        )
        request.psk = PSK
        request.save()
        return request

    def neighbours(self, count: int, *, start: int = 0) -> None:
        """``count`` more pending requests on the hub, one branch each, each with two provisioned tunnels."""
        for index in range(start, start + count):
            plan = hub_plan(1, offset=100 + index, name=f"joined-{index:03d}")
            other = self.request(plan, gateway=self.hub)
            Tunnel.objects.bulk_create(
                Tunnel(
                    request=other,
                    peer=other.plan["sites"][0]["name"],
                    connection=connection_number,
                    customer_ip=other.plan["sites"][0]["gateway_ips"][0],
                    local_address=f"169.254.{index}.{4 * connection_number - 3}/30",
                    peer_address=f"169.254.{index}.{4 * connection_number - 2}/30",
                )
                for connection_number in (1, 2)
            )

    def hubs(self, count: int, *, start: int = 0) -> None:
        """``count`` more gateways of the team (choices of the hub field)."""
        Gateway.objects.bulk_create(
            Gateway(team=self.team, name=f"vpngw-{index:03d}", region="eu-nl", vpc=f"vpc-{index}")
            for index in range(start, start + count)
        )


@pytest.fixture
def world(db: None, settings: Any) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # per-user rate-limit counters left by earlier tests of the same process
    users = get_user_model().objects
    team = Team.objects.create(name="network-ops")
    member = users.create_user("alice", password="Correct-Horse-9")
    reviewer = users.create_user("rita", password="Correct-Horse-9", is_staff=True)
    team.members.add(member)
    hub = Gateway.objects.create(
        team=team,
        name="vpngw-hub",
        region="eu-de",
        vpc="vpc-hub",
        vpc_cidrs=["192.168.0.0/16"],
        local_subnets=["192.168.1.0/24"],
        flavor="Professional2",
        ip_addresses=["198.51.100.250", "198.51.100.251"],
    )
    client, staff_client = Client(), Client()
    client.force_login(member)
    staff_client.force_login(reviewer)
    return World(team, member, reviewer, hub, client, staff_client)


def provisioned(request: ConnectionRequest) -> None:
    """Tunnels, device configs and audit events for every branch of an active request."""
    now = timezone.now()
    sites = request.plan["sites"]
    Tunnel.objects.bulk_create(
        Tunnel(
            request=request,
            peer=site["name"],
            connection=number,
            cloud_ip=f"198.51.100.{249 + number}",
            customer_ip=site["gateway_ips"][0],
            local_address=f"169.254.{index}.{4 * number - 3}/30",
            peer_address=f"169.254.{index}.{4 * number - 2}/30",
            status=TunnelStatus.ACTIVE,
        )
        for index, site in enumerate(sites)
        for number in (1, 2)
    )
    DeviceConfig.objects.bulk_create(
        DeviceConfig(
            request=request,
            peer=site["name"],
            platform=site["platform"],
            filename=f"{site['name']}.swanctl.conf",
            content="connections {}\n",
            checksum="0" * 64,
            generated_at=now,
        )
        for site in sites
    )
    for site in sites:
        AuditEvent.objects.create(
            request=request, actor=request.owner, action="config.generated", detail={"peer": site["name"]}
        )


class QueryCounter:
    """Runs a request once to warm caches and sessions, then counts the SQL queries of a second run."""

    def __init__(self) -> None:
        self.runs: list[list[str]] = []

    def __call__(self, send: Any) -> int:
        first = send()
        assert first.status_code < 500, first
        with CaptureQueriesContext(connection) as captured:
            response = send()
        assert response.status_code == 200, (response.status_code, response.content[:500])
        self.runs.append([query["sql"] for query in captured.captured_queries])
        return len(captured)

    def explain(self) -> str:
        """The queries of the last two runs, for the failure message."""
        return "\n\n".join("\n".join(run) for run in self.runs[-2:])


@pytest.fixture
def count_queries() -> Iterator[QueryCounter]:
    yield QueryCounter()
