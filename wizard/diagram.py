"""The topology of a plan as an SVG drawing: gateways with their IPs, sites, tunnels with inside addresses.

Layout: the cloud gateway is a column on the left as tall as the whole drawing; each peer (site, branch,
the other region's gateway) gets its own row on the right, as tall as its box and its tunnels need. Every
tunnel is a horizontal line inside its peer's row, with its outer addresses written above the line and its
inside addresses below it, so no two labels can meet, however many branches there are. The middle column is
as wide as the longest label and the drawing as large as its content: the page scrolls it, never shrinks it.

Text widths are estimated on the generous side (monospace for addresses, whose width is exact); every text is
escaped; presentation attributes only (no style attributes, for the CSP).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from wizard.network import Plan, ResolvedTunnel

MARGIN = 20
PADDING = 12
LINE_HEIGHT = 16
TITLE_SIZE = 13
TEXT_SIZE = 11
LABEL_SIZE = 11
TITLE_CHAR = 0.68  # bold sans-serif, wider than the average glyph
MONO_CHAR = 0.62  # monospace glyphs are 0.6 em wide
ASCENT = 0.8
DESCENT = 0.25
MIN_BOX_WIDTH = 220
MIN_GAP = 240
LABEL_MARGIN = 18
TUNNEL_BAND = 44  # vertical room of one tunnel: label above, line, label below, breathing space
ROW_GAP = 24
MAX_LINES = 8
MONO = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace"
CONNECTION_COLOURS = {1: "#1b7340", 2: "#8a5300"}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    def intersects(self, other: Rect) -> bool:
        """True when the two rectangles share some area (touching edges do not count)."""
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


@dataclass(frozen=True)
class Node:
    """A box: a gateway or a site, with a title and lines of detail."""

    key: str
    title: str
    lines: tuple[str, ...]
    cloud: bool
    rect: Rect


@dataclass(frozen=True)
class TunnelLine:
    """One tunnel: a horizontal line from the gateway to its peer, labelled above and below."""

    connection: int
    x1: float
    x2: float
    y: float
    above: str
    below: str
    above_rect: Rect
    below_rect: Rect


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    nodes: tuple[Node, ...]
    tunnels: tuple[TunnelLine, ...]

    def label_boxes(self) -> list[Rect]:
        """Everything that carries text: the boxes and both labels of every tunnel."""
        boxes = [node.rect for node in self.nodes]
        for tunnel in self.tunnels:
            boxes += [tunnel.above_rect, tunnel.below_rect]
        return boxes


@dataclass(frozen=True)
class _Content:
    key: str
    title: str
    lines: tuple[str, ...]
    cloud: bool
    has_tunnels: bool = True  # the Direct Connect box is drawn, but no VPN tunnel ends there

    @property
    def width(self) -> float:
        widths = [_text_width(self.title, TITLE_SIZE, TITLE_CHAR)]
        widths += [_text_width(line, TEXT_SIZE, MONO_CHAR) for line in self.lines]
        return max(MIN_BOX_WIDTH, max(widths) + 2 * PADDING)

    @property
    def height(self) -> float:
        return 2 * PADDING + LINE_HEIGHT * (1 + len(self.lines))


def _text_width(text: str, size: int, factor: float) -> float:
    return len(text) * size * factor


def _clip(items: Sequence[str], label: str) -> list[str]:
    shown = [f"{label} {item}" for item in items[:MAX_LINES]]
    if len(items) > MAX_LINES:
        shown.append(f"… and {len(items) - MAX_LINES} more")
    return shown


def _gateway(plan: Plan, index: int) -> _Content:
    gateway = plan.gateways[index]
    ips = ", ".join(gateway.ip_addresses) if gateway.ip_addresses else "assigned when provisioned"
    lines = [
        f"{gateway.region or 'region?'} · VPC {gateway.vpc or '?'}",
        f"IPs {ips}",
        f"ASN {gateway.bgp_asn}",
    ]
    lines += _clip(gateway.local_subnets, "local") or ["no local subnets"]
    return _Content(gateway.name, f"Cloud VPN gateway {gateway.name or '(unnamed)'}", tuple(lines), True)


def _peers(plan: Plan) -> list[_Content]:
    if plan.scenario == "cross_region":
        return [_gateway(plan, 1)] if len(plan.gateways) > 1 else []
    peers = []
    noun = "Branch" if plan.scenario == "branch_hub" else "Site"
    for site in plan.sites:
        lines = [f"IP {', '.join(site.gateway_ips) or '?'}"]
        if site.bgp_asn is not None:
            lines.append(f"ASN {site.bgp_asn}")
        lines += _clip(site.subnets, "subnet")
        peers.append(_Content(site.name, f"{noun} {site.name or '(unnamed)'}", tuple(lines), False))
    if plan.direct_connect is not None and plan.direct_connect.subnets:
        lines = tuple(_clip(plan.direct_connect.subnets, "via DC"))
        peers.append(_Content("", "Direct Connect (primary path)", lines, False, has_tunnels=False))
    return peers


def _labels(tunnel: ResolvedTunnel) -> tuple[str, str]:
    cloud_ip = tunnel.cloud_ip or f"gateway IP {tunnel.connection}"
    above = f"Connection {tunnel.connection}: {cloud_ip} → {tunnel.customer_ip or '?'}"
    if tunnel.local_address:
        below = f"inside {tunnel.local_address} ↔ {tunnel.peer_address}"
    else:
        below = "policy-based: no inside addresses"
    return above, below


def _label_rect(text: str, centre_x: float, baseline: float) -> Rect:
    width = _text_width(text, LABEL_SIZE, MONO_CHAR)
    top = baseline - ASCENT * LABEL_SIZE
    return Rect(centre_x - width / 2, top, width, (ASCENT + DESCENT) * LABEL_SIZE)


def layout(plan: Plan, tunnels: Sequence[ResolvedTunnel]) -> Layout:
    """Where every box, line and label goes (pure arithmetic, so tests can check that nothing overlaps)."""
    cloud = _gateway(plan, 0) if plan.gateways else None
    peers = _peers(plan)
    row_of: dict[str, int] = {}
    for row, peer in enumerate(peers):
        if peer.has_tunnels:
            row_of.setdefault(peer.key, row)
    per_row: list[list[ResolvedTunnel]] = [[] for _ in peers]
    for tunnel in tunnels:
        if cloud is not None and tunnel.peer in row_of:
            per_row[row_of[tunnel.peer]].append(tunnel)
    labels = [_labels(tunnel) for row in per_row for tunnel in row]
    longest = max((_text_width(text, LABEL_SIZE, MONO_CHAR) for pair in labels for text in pair), default=0)
    gap = max(MIN_GAP, longest + 2 * LABEL_MARGIN)
    left_width = cloud.width if cloud is not None else 0
    right_x = MARGIN + left_width + gap
    right_width = max((peer.width for peer in peers), default=MIN_BOX_WIDTH)

    nodes: list[Node] = []
    lines: list[TunnelLine] = []
    y = float(MARGIN)
    for peer, row_tunnels in zip(peers, per_row, strict=True):
        height = max(peer.height, len(row_tunnels) * TUNNEL_BAND + 2 * PADDING)
        rect = Rect(right_x, y, right_width, height)
        nodes.append(Node(peer.key, peer.title, peer.lines, peer.cloud, rect))
        first = y + (height - len(row_tunnels) * TUNNEL_BAND) / 2 + TUNNEL_BAND / 2
        for position, tunnel in enumerate(row_tunnels):
            line_y = first + position * TUNNEL_BAND
            above, below = _labels(tunnel)
            x1, x2 = MARGIN + left_width, right_x
            centre = (x1 + x2) / 2
            lines.append(
                TunnelLine(
                    connection=tunnel.connection,
                    x1=x1,
                    x2=x2,
                    y=line_y,
                    above=above,
                    below=below,
                    above_rect=_label_rect(above, centre, line_y - 6),
                    below_rect=_label_rect(below, centre, line_y + 6 + ASCENT * LABEL_SIZE),
                )
            )
        y += height + ROW_GAP
    bottom = max(y - ROW_GAP, MARGIN + (cloud.height if cloud is not None else 0))
    if cloud is not None:
        nodes.insert(
            0,
            Node(
                cloud.key, cloud.title, cloud.lines, True, Rect(MARGIN, MARGIN, left_width, bottom - MARGIN)
            ),
        )
    width = right_x + right_width + MARGIN if peers else MARGIN * 2 + left_width
    return Layout(width=width, height=bottom + MARGIN, nodes=tuple(nodes), tunnels=tuple(lines))


def _text(
    x: float, y: float, text: str, *, size: int, weight: str = "400", anchor: str = "start", mono: bool
) -> str:
    family = f' font-family="{MONO}"' if mono else ""
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}"{family} '
        f'fill="#1d2533">{escape(text)}</text>'
    )


def _draw_node(node: Node) -> list[str]:
    fill, stroke = ("#e6f0fb", "#0a5fb4") if node.cloud else ("#f7f8fa", "#556070")
    box = node.rect
    parts = [
        f'<rect x="{box.x:g}" y="{box.y:g}" width="{box.width:g}" height="{box.height:g}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>',
        _text(box.x + PADDING, box.y + PADDING + 12, node.title, size=TITLE_SIZE, weight="600", mono=False),
    ]
    for number, line in enumerate(node.lines, start=1):
        baseline = box.y + PADDING + 12 + number * LINE_HEIGHT
        parts.append(_text(box.x + PADDING, baseline, line, size=TEXT_SIZE, mono=True))
    return parts


def _draw_tunnel(tunnel: TunnelLine) -> list[str]:
    colour = CONNECTION_COLOURS.get(tunnel.connection, "#556070")
    dash = "" if tunnel.connection == 1 else ' stroke-dasharray="6 4"'
    centre = (tunnel.x1 + tunnel.x2) / 2
    return [
        f'<line x1="{tunnel.x1:g}" y1="{tunnel.y:g}" x2="{tunnel.x2:g}" y2="{tunnel.y:g}" stroke="{colour}" '
        f'stroke-width="2"{dash}/>',
        _text(
            centre,
            tunnel.above_rect.y + ASCENT * LABEL_SIZE,
            tunnel.above,
            size=LABEL_SIZE,
            anchor="middle",
            mono=True,
        ),
        _text(
            centre,
            tunnel.below_rect.y + ASCENT * LABEL_SIZE,
            tunnel.below,
            size=LABEL_SIZE,
            anchor="middle",
            mono=True,
        ),
    ]


def topology_svg(plan: Plan, tunnels: Sequence[ResolvedTunnel]) -> str:
    """An accessible SVG of the plan at its natural size, in a keyboard-scrollable frame."""
    drawing = layout(plan, tunnels)
    parts: list[str] = []
    for node in drawing.nodes:
        parts += _draw_node(node)
    for tunnel in drawing.tunnels:
        parts += _draw_tunnel(tunnel)
    peers = len(drawing.nodes) - (1 if plan.gateways else 0)
    title = (
        f"Topology of {plan.name or 'this request'}: the cloud VPN gateway, {peers} peer(s), "
        f"{len(drawing.tunnels)} tunnel(s)"
    )
    width, height = f"{drawing.width:g}", f"{drawing.height:g}"
    return (
        '<div class="topology-frame" tabindex="0" role="group" '
        'aria-label="Topology diagram; scroll to see all of it">'
        f'<svg class="topology" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="topology-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="topology-title">{escape(title)}</title>' + "".join(parts) + "</svg></div>"
    )
