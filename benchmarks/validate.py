"""Validation benchmark: whole-topology checks of a large branch hub.

Run with ``.venv/bin/python benchmarks/validate.py``; prints one JSON line per figure:
``{"figure": ..., "value": ..., "unit": ..., "goal": ..., "pass": bool}``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.run import emit  # noqa: E402
from wizard.network import ReservedBlock, parse_plan, validate_plan  # noqa: E402
from wizard.network.addresses import parse_block  # noqa: E402
from wizard.network.gcpause import collector_paused  # noqa: E402
from wizard.network.reservations import ReservedIndex  # noqa: E402
from wizard.network.validation.context import build_context  # noqa: E402
from wizard.network.validation.topology import overlap_findings  # noqa: E402

SUBNETS_PER_BRANCH = 50
LOCAL_SUBNETS = 50
PLANTED_DUPLICATES = 20
PLANTED_COVERING = 5


def branch_subnets(branch: int) -> list[str]:
    """50 disjoint /24s per branch, packed through 10.0.0.0/8."""
    first = branch * SUBNETS_PER_BRANCH
    return [f"10.{k >> 8}.{k & 255}.0/24" for k in range(first, first + SUBNETS_PER_BRANCH)]


def hub_plan(branches: int) -> dict[str, Any]:
    """A private BGP hub with ``branches`` branches of 50 subnets and 50 local subnets, with planted overlaps:
    duplicated /24s between neighbouring branches, a few covering /20s, and one branch inside the VPC."""
    sites = [
        {
            "name": f"branch-{b:04d}",
            "gateway_ips": [f"172.31.{b >> 8}.{(b & 255) or 1}" if b & 255 else f"172.30.{b >> 8}.1"],
            "bgp_asn": 65001 + b,
            "platform": "strongswan",
            "subnets": branch_subnets(b),
        }
        for b in range(branches)
    ]
    step = max(branches // PLANTED_DUPLICATES, 2)
    for b in range(0, branches - 1, step):
        sites[b]["subnets"][0] = sites[b + 1]["subnets"][3]
    for b in range(1, branches, max(branches // PLANTED_COVERING, 1))[:PLANTED_COVERING]:
        network = parse_block(sites[b - 1]["subnets"][10])
        assert network is not None
        sites[b]["subnets"][1] = f"10.{network.first >> 16 & 255}.{network.first >> 8 & 240}.0/20"
    sites[-1]["subnets"][2] = "192.168.7.0/24"
    return {
        "version": 1,
        "name": f"hub-{branches}",
        "scenario": "branch_hub",
        "routing": {"mode": "bgp", "branch_interconnection": True, "nqa": False},
        "gateways": [
            {
                "name": "vpngw-hub",
                "region": "eu-de",
                "vpc": "vpc-hub",
                "vpc_cidrs": ["192.168.0.0/16"],
                "local_subnets": [f"192.168.{j}.0/24" for j in range(LOCAL_SUBNETS)],
                "flavor": "Professional2",
                "network_type": "private",
                "bgp_asn": 64512,
            }
        ],
        "sites": sites,
        "ike": {"encryption_algorithm": "aes-256-gcm-16", "dh_group": "group20"},
        "ipsec": {"encryption_algorithm": "aes-256-gcm-16", "pfs": "group20"},
        "psk": "Example-Key-2024:ok",
    }


def timed(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def validate_data(data: dict[str, Any], **options: Any) -> list[Any]:
    plan, findings = parse_plan(data)
    assert plan is not None, findings
    return validate_plan(plan, **options)


def naive_overlap_count(cidrs: list[str]) -> int:
    """Every pair compared: the quadratic check the sweep replaces (integer ranges, no object overhead)."""
    ranges = []
    for cidr in cidrs:
        block = parse_block(cidr)
        assert block is not None
        ranges.append((block.first, block.last))
    count = 0
    for i, (first_a, last_a) in enumerate(ranges):
        for first_b, last_b in ranges[i + 1 :]:
            if first_a <= last_b and first_b <= last_a:
                count += 1
    return count


# Figures to four decimals.
figure = partial(emit, digits=4)


def main() -> None:
    big, small = hub_plan(1000), hub_plan(100)
    findings = validate_data(big)
    overlap_codes = {"subnet.overlap", "subnet.overlaps_vpc", "subnet.same_as_local", "overlap.more"}
    assert {f.code for f in findings} & overlap_codes, "planted overlaps must be found"

    big_time = timed(lambda: validate_data(big), repeat=7)
    figure("validate_hub_1000x50_seconds", big_time, "s", "<= 0.5", big_time <= 0.5)
    small_time = timed(lambda: validate_data(small), repeat=15)
    figure("validate_hub_100x50_seconds", small_time, "s", "informational", True)
    growth = big_time / small_time
    figure("growth_1000_over_100_branches", growth, "x", "<= 15", growth <= 15)

    stored = [
        ReservedBlock(cidr, f"branch 'branch-{b:04d}' (request #{b + 1})")
        for b in range(1000)
        for cidr in branch_subnets(b)
    ]
    build_time = timed(lambda: ReservedIndex(stored), repeat=5)
    figure("reserved_index_build_50000_blocks_ms", build_time * 1000, "ms", "informational", True)
    index = ReservedIndex(stored)
    newcomer = hub_plan(1)
    newcomer["sites"][0]["name"] = "branch-new"
    newcomer["sites"][0]["subnets"] = [f"10.250.{j}.0/24" for j in range(48)] + ["10.0.3.0/24", "10.1.0.0/20"]
    hits = [f for f in validate_data(newcomer, reserved=index) if f.code == "subnet.reserved"]
    assert len(hits) == 17, hits
    join_time = timed(lambda: validate_data(newcomer, reserved=index), repeat=21)
    figure("new_branch_vs_1000_stored_branches_ms", join_time * 1000, "ms", "<= 20", join_time <= 0.020)
    cold_time = timed(lambda: validate_data(newcomer, reserved=stored), repeat=5)
    figure("new_branch_vs_1000_stored_branches_unindexed_ms", cold_time * 1000, "ms", "informational", True)

    plan_5000 = hub_plan(100)
    cidrs = [cidr for site in plan_5000["sites"] for cidr in site["subnets"]]
    naive_count = naive_overlap_count(cidrs)
    unbounded = validate_data(plan_5000, overlap_limit=10**6)
    pair_codes = {"subnet.overlap", "subnet.redundant", "subnet.duplicate"}
    sweep_count = sum(1 for f in unbounded if f.code in pair_codes)
    assert sweep_count == naive_count, (sweep_count, naive_count)
    with collector_paused():
        naive_time = timed(lambda: naive_overlap_count(cidrs), repeat=3)
    parsed, _ = parse_plan(plan_5000)
    assert parsed is not None
    with collector_paused():
        sweep_time = timed(lambda: overlap_findings(build_context(parsed)), repeat=15)
    whole_time = timed(lambda: validate_data(plan_5000), repeat=15)
    figure("naive_all_pairs_5000_prefixes_seconds", naive_time, "s", "informational", True)
    figure("sweep_5000_prefixes_seconds", sweep_time, "s", "informational", True)
    figure("whole_validation_5000_prefixes_seconds", whole_time, "s", "informational", True)
    speedup = naive_time / sweep_time
    figure("speedup_sweep_vs_naive_all_pairs_5000_prefixes", speedup, "x", ">= 10", speedup >= 10)
    whole_speedup = naive_time / whole_time
    figure("speedup_whole_validation_vs_naive_5000_prefixes", whole_speedup, "x", "informational", True)


if __name__ == "__main__":
    main()
