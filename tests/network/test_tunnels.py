"""Tunnel resolution and automatic /30 allocation."""

from __future__ import annotations

from collections.abc import Callable

from wizard.network import Plan, ResolvedTunnel, resolve_tunnels


def test_automatic_addresses_are_the_lowest_free_30s(make_plan: Callable[..., Plan]) -> None:
    plan = make_plan()
    assert resolve_tunnels(plan) == (
        ResolvedTunnel("Berlin", 1, "198.51.100.10", "203.0.113.10", "169.254.1.1/30", "169.254.1.2/30"),
        ResolvedTunnel("Berlin", 2, "198.51.100.11", "203.0.113.10", "169.254.1.5/30", "169.254.1.6/30"),
    )


def test_manual_addresses_are_kept_and_their_30s_skipped(make_plan: Callable[..., Plan]) -> None:
    manual = {
        "peer": "Berlin",
        "connection": 2,
        "local_address": "169.254.1.6/30",
        "peer_address": "169.254.1.5/30",
    }
    plan = make_plan(tunnels=[manual])
    tunnels = resolve_tunnels(plan, used=["169.254.1.0/30", "169.254.1.9/30"])
    assert [(t.connection, t.local_address, t.peer_address) for t in tunnels] == [
        (1, "169.254.1.13/30", "169.254.1.14/30"),
        (2, "169.254.1.6/30", "169.254.1.5/30"),
    ]


def test_active_standby_sites_use_one_customer_ip_per_connection(make_plan: Callable[..., Plan]) -> None:
    plan = make_plan(
        sites=[
            {"name": "Berlin", "gateway_ips": ["203.0.113.10", "203.0.113.11"], "subnets": ["10.1.0.0/16"]}
        ]
    )
    assert [t.customer_ip for t in resolve_tunnels(plan)] == ["203.0.113.10", "203.0.113.11"]


def test_policy_mode_has_no_inside_addresses(make_plan: Callable[..., Plan]) -> None:
    plan = make_plan(routing={"mode": "policy"})
    assert [(t.local_address, t.peer_address) for t in resolve_tunnels(plan)] == [("", ""), ("", "")]


def test_unknown_outer_addresses_are_empty(make_plan: Callable[..., Plan]) -> None:
    plan = make_plan()
    plan = make_plan(gateways=[{**plan.to_dict()["gateways"][0], "ip_addresses": []}])
    assert {t.cloud_ip for t in resolve_tunnels(plan)} == {""}
