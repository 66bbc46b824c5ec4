"""The topology of a plan as an SVG drawing: gateways with their IPs, sites, tunnels with inside addresses.

A server-side string with every text escaped; presentation attributes only (no style attributes, for the CSP).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from wizard.network import Plan, ResolvedTunnel

WIDTH = 760
BOX_WIDTH = 250
LEFT_X = 20
RIGHT_X = WIDTH - 20 - BOX_WIDTH
LINE_HEIGHT = 16
PADDING = 12
GAP = 24
MAX_LINES = 8


@dataclass(frozen=True)
class _Box:
    """One node of the drawing: a title and lines of detail."""

    key: str
    title: str
    lines: tuple[str, ...]
    cloud: bool

    @property
    def height(self) -> int:
        return PADDING * 2 + LINE_HEIGHT * (1 + len(self.lines))


def _clip(items: Sequence[str], label: str) -> list[str]:
    shown = [f"{label} {item}" for item in items[:MAX_LINES]]
    if len(items) > MAX_LINES:
        shown.append(f"… and {len(items) - MAX_LINES} more")
    return shown


def _gateway_box(plan: Plan, index: int) -> _Box:
    gateway = plan.gateways[index]
    ips = ", ".join(gateway.ip_addresses) if gateway.ip_addresses else "IPs assigned when provisioned"
    lines = [
        f"{gateway.region or 'region?'} · VPC {gateway.vpc or '?'}",
        f"IPs: {ips}",
        f"ASN {gateway.bgp_asn}",
    ]
    lines += _clip(gateway.local_subnets, "local")
    return _Box(gateway.name, f"Cloud VPN gateway {gateway.name or '(unnamed)'}", tuple(lines), True)


def _boxes(plan: Plan) -> tuple[list[_Box], list[_Box]]:
    left = [_gateway_box(plan, 0)] if plan.gateways else []
    if plan.scenario == "cross_region":
        right = [_gateway_box(plan, 1)] if len(plan.gateways) > 1 else []
        return left, right
    right = []
    for site in plan.sites:
        lines = [f"IP: {', '.join(site.gateway_ips) or '?'}"]
        if site.bgp_asn is not None:
            lines.append(f"ASN {site.bgp_asn}")
        lines += _clip(site.subnets, "subnet")
        right.append(_Box(site.name, f"Site {site.name or '(unnamed)'}", tuple(lines), False))
    if plan.direct_connect is not None and plan.direct_connect.subnets:
        lines = _clip(plan.direct_connect.subnets, "via DC")
        right.append(_Box("", "Direct Connect (primary path)", tuple(lines), False))
    return left, right


def _text(x: int, y: int, text: str, *, size: int = 12, weight: str = "400", anchor: str = "start") -> str:
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" '
        f'fill="#1d2533">{escape(text)}</text>'
    )


def _draw_box(box: _Box, x: int, y: int) -> list[str]:
    fill, stroke = ("#e6f0fb", "#0a5fb4") if box.cloud else ("#f7f8fa", "#556070")
    parts = [
        f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{box.height}" rx="6" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="1.5"/>',
        _text(x + PADDING, y + PADDING + 12, box.title, size=13, weight="600"),
    ]
    for number, line in enumerate(box.lines, start=1):
        parts.append(_text(x + PADDING, y + PADDING + 12 + number * LINE_HEIGHT, line, size=11))
    return parts


def topology_svg(plan: Plan, tunnels: Sequence[ResolvedTunnel]) -> str:
    """An accessible SVG of the plan: cloud left, customer side right, a line per tunnel."""
    left, right = _boxes(plan)
    positions: dict[tuple[str, str], tuple[int, int, int]] = {}
    parts: list[str] = []
    y = 20
    for box in left:
        positions[("left", box.key)] = (LEFT_X, y, box.height)
        parts += _draw_box(box, LEFT_X, y)
        y += box.height + GAP
    left_bottom = y
    y = 20
    for box in right:
        positions[("right", box.key)] = (RIGHT_X, y, box.height)
        parts += _draw_box(box, RIGHT_X, y)
        y += box.height + GAP
    height = max(left_bottom, y, 120)
    origin = positions.get(("left", plan.gateways[0].name)) if plan.gateways else None
    for tunnel in tunnels:
        target = positions.get(("right", tunnel.peer))
        if origin is None or target is None:
            continue
        offset = -10 if tunnel.connection == 1 else 10
        x1, y1 = LEFT_X + BOX_WIDTH, origin[1] + origin[2] // 2 + offset
        x2, y2 = RIGHT_X, target[1] + target[2] // 2 + offset
        color = "#1b7340" if tunnel.connection == 1 else "#8a5300"
        dash = "" if tunnel.connection == 1 else ' stroke-dasharray="6 4"'
        parts.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{color}" stroke-width="2"{dash}/>'
        )
        inside = f"{tunnel.local_address} ↔ {tunnel.peer_address}" if tunnel.local_address else "policy-based"
        cloud_ip = tunnel.cloud_ip or f"gateway IP {tunnel.connection}"
        label = f"#{tunnel.connection} {cloud_ip} → {tunnel.customer_ip or '?'}"
        middle_x, middle_y = (x1 + x2) // 2, (y1 + y2) // 2 + (-6 if tunnel.connection == 1 else 14)
        parts.append(_text(middle_x, middle_y, label, size=10, anchor="middle"))
        parts.append(_text(middle_x, middle_y + 11, inside, size=10, anchor="middle"))
    title = (
        f"Topology of {plan.name or 'this request'}: {len(left)} cloud gateway(s), {len(right)} peer(s), "
        f"{len(tunnels)} tunnel(s)"
    )
    return (
        f'<svg class="topology" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="topology-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="topology-title">{escape(title)}</title>' + "".join(parts) + "</svg>"
    )
