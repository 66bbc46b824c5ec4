"""Rendering benchmark: the device configs of a 1,000-branch hub for one platform, in one process.

Run with ``.venv/bin/python benchmarks/render.py``; prints one JSON line per figure:
``{"figure": ..., "value": ..., "unit": ..., "goal": ..., "pass": bool}``.
"""

from __future__ import annotations

import statistics
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.run import emit  # noqa: E402
from wizard.network import parse_plan  # noqa: E402
from wizard.rendering import render_all  # noqa: E402

BRANCHES = 1000
SUBNETS_PER_BRANCH = 2
GENERATED_AT = "2026-01-15T09:30:00Z"


def hub_plan(branches: int, mode: str) -> dict[str, Any]:
    """A public hub whose branches each own two /24s; branch gateway IPs come from 198.18.0.0/15 (RFC 2544,
    the benchmarking range: RFC 5737 has too few addresses for 1,000 branches)."""
    sites = [
        {
            "name": f"branch-{b:04d}",
            "gateway_ips": [
                f"198.{18 + (b >> 16)}.{(b >> 8) & 255}.{(b & 255) + 1 if (b & 255) < 254 else 1}"
            ],
            "bgp_asn": 65001 + b,
            "platform": "cisco_iosxe",
            "subnets": [
                f"10.{k >> 8}.{k & 255}.0/24"
                for k in range(b * SUBNETS_PER_BRANCH, (b + 1) * SUBNETS_PER_BRANCH)
            ],
        }
        for b in range(branches)
    ]
    return {
        "version": 1,
        "name": f"hub-{branches}-{mode}",
        "scenario": "branch_hub",
        "routing": {"mode": mode, "branch_interconnection": mode == "bgp", "nqa": False},
        "gateways": [
            {
                "name": "vpngw-hub",
                "region": "eu-de",
                "vpc": "vpc-hub",
                "vpc_cidrs": ["192.168.0.0/16"],
                "local_subnets": ["192.168.1.0/24", "192.168.2.0/24"],
                "flavor": "Professional2",
                "bgp_asn": 64512,
                "ip_addresses": ["198.51.100.10", "198.51.100.11"],
            }
        ],
        "sites": sites,
        "psk": "Example-Key-2024:ok",
    }


# Figures to four decimals.
figure = partial(emit, digits=4)


def measure(mode: str, platform: str, repeat: int) -> tuple[float, int]:
    plan, findings = parse_plan(hub_plan(BRANCHES, mode))
    assert plan is not None, findings
    samples, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = len(render_all(plan, platform=platform, generated_at=GENERATED_AT))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), count


def main() -> None:
    # Static branches route the summary of the VPC and every other branch (one CIDR merge for the hub),
    # BGP branches select it in strongSwan's traffic selectors: every mode must meet the goal.
    for mode, platform in (("bgp", "cisco_iosxe"), ("static", "cisco_iosxe"), ("bgp", "strongswan")):
        seconds, count = measure(mode, platform, repeat=3)
        assert count >= BRANCHES  # strongSwan with BGP writes two files per branch (swanctl.conf, frr.conf)
        figure(f"hub_1000_branches_{mode}_{platform}_seconds", seconds, "s", "<= 2", seconds <= 2)
        rate = count / seconds
        figure(
            f"hub_1000_branches_{mode}_{platform}_configs_per_second",
            rate,
            "configs/s",
            "informational",
            None,
        )


if __name__ == "__main__":
    main()
