"""The topology diagram: nothing that carries text overlaps, for 1 to 20 branches and every scenario."""

from __future__ import annotations

import copy
import itertools
import re

import pytest

from tests.rendering.plans import MODES, SCENARIOS, make_plan, plan_dict
from wizard.diagram import Layout, layout, topology_svg
from wizard.network import Plan, resolve_tunnels


def _hub(branches: int, mode: str = "bgp") -> Plan:
    data = plan_dict("branch_hub", mode)
    template = data["sites"][0]
    data["sites"] = []
    for index in range(branches):
        site = copy.deepcopy(template)
        site["name"] = f"branch-{index:02d}" + ("-with-a-long-office-name" if index % 3 == 0 else "")
        site["gateway_ips"] = [f"203.0.113.{10 + index}"]
        if index % 4 == 1:  # active-standby branches have two customer gateway IPs
            site["gateway_ips"].append(f"203.0.113.{100 + index}")
        site["bgp_asn"] = 65010 + index
        site["subnets"] = [f"10.{index}.{block}.0/24" for block in range(1 + index % 11)]
        data["sites"].append(site)
    return make_plan(data)


def _assert_nothing_overlaps(drawing: Layout) -> None:
    boxes = drawing.label_boxes()
    for first, second in itertools.combinations(boxes, 2):
        assert not first.intersects(second), (first, second)
    for box in boxes:  # and everything lies inside the viewBox
        assert box.x >= 0 and box.x + box.width <= drawing.width, box
        assert box.y >= 0 and box.y + box.height <= drawing.height, box


@pytest.mark.parametrize("branches", range(1, 21))
def test_hub_labels_never_overlap(branches: int) -> None:
    plan = _hub(branches)
    tunnels = resolve_tunnels(plan)
    drawing = layout(plan, tunnels)
    assert len(drawing.tunnels) == len(tunnels) == 2 * branches
    _assert_nothing_overlaps(drawing)
    # Each tunnel's labels sit on its own line, between the gateway and its branch.
    gateway = drawing.nodes[0].rect
    for line in drawing.tunnels:
        assert line.above_rect.y + line.above_rect.height <= line.y <= line.below_rect.y
        assert (
            gateway.x + gateway.width <= line.above_rect.x
            and line.above_rect.x + line.above_rect.width <= line.x2
        )
    svg = topology_svg(plan, tunnels)
    assert f'viewBox="0 0 {drawing.width:g} {drawing.height:g}"' in svg
    assert all(f"inside {t.local_address} ↔ {t.peer_address}" in svg for t in tunnels)


@pytest.mark.parametrize(("scenario", "mode"), list(itertools.product(SCENARIOS, MODES)))
def test_every_scenario_lays_out_without_overlap(scenario: str, mode: str) -> None:
    plan = make_plan(plan_dict(scenario, mode))
    tunnels = resolve_tunnels(plan)
    drawing = layout(plan, tunnels)
    assert len(drawing.tunnels) == len(tunnels)
    _assert_nothing_overlaps(drawing)


def test_user_strings_are_escaped() -> None:
    data = plan_dict("hybrid_cloud", "static")
    data["name"] = "<script>alert(1)</script>"
    data["sites"][0]["name"] = 'HQ "&" <b>'
    data["gateways"][0]["vpc"] = "vpc<img src=x>"
    plan = make_plan(data)
    svg = topology_svg(plan, resolve_tunnels(plan))
    assert "<script" not in svg and "<b>" not in svg and "<img" not in svg
    assert "Site HQ &quot;&amp;&quot; &lt;b&gt;" in svg
    assert not re.search(r"\sstyle=", svg)
