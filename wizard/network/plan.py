"""The plan: the serialisable form of one connection request, and its structural parser.

``parse_plan`` checks shape and types only (every wrong shape becomes a finding with a path, never an
exception); the network rules live in ``wizard.network.validation``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, TypeVar

from wizard.network.findings import Finding, error, has_errors
from wizard.network.gcpause import collector_paused

PLAN_VERSION = 1

T = TypeVar("T")


@dataclass(frozen=True)
class Routing:
    mode: str = "static"
    branch_interconnection: bool = False
    nqa: bool = False


@dataclass(frozen=True)
class Gateway:
    name: str
    region: str
    vpc: str
    vpc_cidrs: tuple[str, ...] = ()
    local_subnets: tuple[str, ...] = ()
    flavor: str = "Professional1"
    ha_mode: str = "active-active"
    attachment: str = "vpc"
    network_type: str = "public"
    bgp_asn: int = 64512
    ip_addresses: tuple[str, ...] = ()
    # The ID of the VPC subnet the gateway itself uses (the console's "Interconnection Subnet",
    # API `connect_subnet`); "" while unknown.
    interconnection_subnet: str = ""


@dataclass(frozen=True)
class Site:
    name: str
    gateway_ips: tuple[str, ...]
    bgp_asn: int | None = None
    platform: str = "generic"
    subnets: tuple[str, ...] = ()
    outside_interface: str = ""


@dataclass(frozen=True)
class TunnelAddressing:
    peer: str
    connection: int
    local_address: str
    peer_address: str


@dataclass(frozen=True)
class PolicyRule:
    source: str
    destinations: tuple[str, ...]


@dataclass(frozen=True)
class DirectConnect:
    virtual_gateway_asn: int
    enterprise_router_asn: int
    subnets: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeadPeerDetection:
    timeout: int = 15
    interval: int = 30
    msg: str = "seq-hash-notify"


@dataclass(frozen=True)
class IkePolicy:
    version: str = "v2"
    negotiation_mode: str = "main"
    authentication_algorithm: str = "sha2-256"
    encryption_algorithm: str = "aes-128"
    dh_group: str = "group15"
    lifetime_seconds: int = 86400
    dpd: DeadPeerDetection = field(default_factory=DeadPeerDetection)


@dataclass(frozen=True)
class IpsecPolicy:
    authentication_algorithm: str = "sha2-256"
    encryption_algorithm: str = "aes-128"
    pfs: str = "group15"
    lifetime_seconds: int = 3600
    transform_protocol: str = "esp"
    encapsulation_mode: str = "tunnel"


@dataclass(frozen=True)
class Plan:
    name: str
    scenario: str
    gateways: tuple[Gateway, ...]
    psk: str
    version: int = PLAN_VERSION
    routing: Routing = field(default_factory=Routing)
    sites: tuple[Site, ...] = ()
    tunnels: tuple[TunnelAddressing, ...] = ()
    policy_rules: tuple[PolicyRule, ...] = ()
    direct_connect: DirectConnect | None = None
    ike: IkePolicy = field(default_factory=IkePolicy)
    ipsec: IpsecPolicy = field(default_factory=IpsecPolicy)

    def to_dict(self) -> dict[str, Any]:
        """The plan's JSON form (lists instead of tuples), accepted back by ``parse_plan``."""
        result = _to_json(self)
        assert isinstance(result, dict)
        return result


def _to_json(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_to_json(item) for item in value]
    return value


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Parser:
    """Collects structure findings while building the dataclasses."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def wrong_type(self, path: str, expected: str, value: object) -> None:
        self.findings.append(
            error(
                "plan.wrong_type", path, f"{path or 'The plan'} must be {expected}, not {_type_name(value)}."
            )
        )

    def object(
        self, value: object, path: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> Mapping[str, object] | None:
        if not isinstance(value, Mapping):
            self.wrong_type(path, "an object", value)
            return None
        known = set(required) | set(optional)
        for key in value:
            if not isinstance(key, str) or key not in known:
                self.findings.append(
                    error(
                        "plan.unknown_field",
                        _join(path, str(key)),
                        f"Unknown field {str(key)!r} in {path or 'the plan'}.",
                        f"Known fields: {', '.join(sorted(known))}.",
                    )
                )
        for key in required:
            if key not in value:
                self.findings.append(
                    error("plan.missing_field", _join(path, key), f"{_join(path, key)} is required.")
                )
        return value

    def scalar(self, obj: Mapping[str, object], key: str, path: str, kind: type, default: object) -> Any:
        if key not in obj:
            return default
        value = obj[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.wrong_type(
                _join(path, key), {str: "a string", int: "an integer", bool: "true or false"}[kind], value
            )
            return default
        return value

    def optional_int(self, obj: Mapping[str, object], key: str, path: str) -> int | None:
        if obj.get(key) is None:
            return None
        result: int | None = self.scalar(obj, key, path, int, None)
        return result

    def string_list(self, obj: Mapping[str, object], key: str, path: str) -> tuple[str, ...]:
        items = self.items(obj, key, path)
        result = []
        for index, item in enumerate(items):
            if isinstance(item, str):
                result.append(item)
            else:
                self.wrong_type(f"{_join(path, key)}[{index}]", "a string", item)
        return tuple(result)

    def items(self, obj: Mapping[str, object], key: str, path: str) -> list[object]:
        if key not in obj:
            return []
        value = obj[key]
        if not isinstance(value, list | tuple):
            self.wrong_type(_join(path, key), "a list", value)
            return []
        return list(value)

    def each(
        self, obj: Mapping[str, object], key: str, path: str, build: Callable[[object, str], T | None]
    ) -> tuple[T, ...]:
        built = (
            build(item, f"{_join(path, key)}[{index}]")
            for index, item in enumerate(self.items(obj, key, path))
        )
        return tuple(item for item in built if item is not None)

    def routing(self, value: object, path: str) -> Routing | None:
        obj = self.object(value, path, (), ("mode", "branch_interconnection", "nqa"))
        if obj is None:
            return None
        return Routing(
            mode=self.scalar(obj, "mode", path, str, "static"),
            branch_interconnection=self.scalar(obj, "branch_interconnection", path, bool, False),
            nqa=self.scalar(obj, "nqa", path, bool, False),
        )

    def gateway(self, value: object, path: str) -> Gateway | None:
        optional = (
            "vpc_cidrs",
            "local_subnets",
            "flavor",
            "ha_mode",
            "attachment",
            "network_type",
            "bgp_asn",
            "ip_addresses",
            "interconnection_subnet",
        )
        obj = self.object(value, path, ("name", "region", "vpc"), optional)
        if obj is None:
            return None
        return Gateway(
            name=self.scalar(obj, "name", path, str, ""),
            region=self.scalar(obj, "region", path, str, ""),
            vpc=self.scalar(obj, "vpc", path, str, ""),
            vpc_cidrs=self.string_list(obj, "vpc_cidrs", path),
            local_subnets=self.string_list(obj, "local_subnets", path),
            flavor=self.scalar(obj, "flavor", path, str, "Professional1"),
            ha_mode=self.scalar(obj, "ha_mode", path, str, "active-active"),
            attachment=self.scalar(obj, "attachment", path, str, "vpc"),
            network_type=self.scalar(obj, "network_type", path, str, "public"),
            bgp_asn=self.scalar(obj, "bgp_asn", path, int, 64512),
            ip_addresses=self.string_list(obj, "ip_addresses", path),
            interconnection_subnet=self.scalar(obj, "interconnection_subnet", path, str, ""),
        )

    def site(self, value: object, path: str) -> Site | None:
        optional = ("bgp_asn", "platform", "subnets", "outside_interface")
        obj = self.object(value, path, ("name", "gateway_ips"), optional)
        if obj is None:
            return None
        return Site(
            name=self.scalar(obj, "name", path, str, ""),
            gateway_ips=self.string_list(obj, "gateway_ips", path),
            bgp_asn=self.optional_int(obj, "bgp_asn", path),
            platform=self.scalar(obj, "platform", path, str, "generic"),
            subnets=self.string_list(obj, "subnets", path),
            outside_interface=self.scalar(obj, "outside_interface", path, str, ""),
        )

    def tunnel(self, value: object, path: str) -> TunnelAddressing | None:
        obj = self.object(value, path, ("peer", "connection", "local_address", "peer_address"), ())
        if obj is None:
            return None
        return TunnelAddressing(
            peer=self.scalar(obj, "peer", path, str, ""),
            connection=self.scalar(obj, "connection", path, int, 0),
            local_address=self.scalar(obj, "local_address", path, str, ""),
            peer_address=self.scalar(obj, "peer_address", path, str, ""),
        )

    def policy_rule(self, value: object, path: str) -> PolicyRule | None:
        obj = self.object(value, path, ("source", "destinations"), ())
        if obj is None:
            return None
        return PolicyRule(
            source=self.scalar(obj, "source", path, str, ""),
            destinations=self.string_list(obj, "destinations", path),
        )

    def direct_connect(self, value: object, path: str) -> DirectConnect | None:
        obj = self.object(value, path, ("virtual_gateway_asn", "enterprise_router_asn"), ("subnets",))
        if obj is None:
            return None
        return DirectConnect(
            virtual_gateway_asn=self.scalar(obj, "virtual_gateway_asn", path, int, 0),
            enterprise_router_asn=self.scalar(obj, "enterprise_router_asn", path, int, 0),
            subnets=self.string_list(obj, "subnets", path),
        )

    def dpd(self, value: object, path: str) -> DeadPeerDetection:
        default = DeadPeerDetection()
        obj = self.object(value, path, (), ("timeout", "interval", "msg"))
        if obj is None:
            return default
        return DeadPeerDetection(
            timeout=self.scalar(obj, "timeout", path, int, default.timeout),
            interval=self.scalar(obj, "interval", path, int, default.interval),
            msg=self.scalar(obj, "msg", path, str, default.msg),
        )

    def ike(self, value: object, path: str) -> IkePolicy:
        default = IkePolicy()
        names = tuple(f.name for f in fields(IkePolicy))
        obj = self.object(value, path, (), names)
        if obj is None:
            return default
        values: dict[str, Any] = {
            name: self.scalar(obj, name, path, type(getattr(default, name)), getattr(default, name))
            for name in names
            if name != "dpd"
        }
        dpd = self.dpd(obj["dpd"], _join(path, "dpd")) if "dpd" in obj else default.dpd
        return IkePolicy(**values, dpd=dpd)

    def ipsec(self, value: object, path: str) -> IpsecPolicy:
        default = IpsecPolicy()
        names = tuple(f.name for f in fields(IpsecPolicy))
        obj = self.object(value, path, (), names)
        if obj is None:
            return default
        values = {
            name: self.scalar(obj, name, path, type(getattr(default, name)), getattr(default, name))
            for name in names
        }
        return IpsecPolicy(**values)

    def plan(self, value: object) -> Plan | None:
        required = ("version", "name", "scenario", "gateways", "psk")
        optional = ("routing", "sites", "tunnels", "policy_rules", "direct_connect", "ike", "ipsec")
        obj = self.object(value, "", required, optional)
        if obj is None:
            return None
        version = self.scalar(obj, "version", "", int, PLAN_VERSION)
        if version != PLAN_VERSION:
            self.findings.append(
                error(
                    "plan.version",
                    "version",
                    f"Plan version {version} is not supported; this wizard reads version {PLAN_VERSION}.",
                )
            )
        routing = self.routing(obj["routing"], "routing") if "routing" in obj else Routing()
        direct_connect = None
        if obj.get("direct_connect") is not None:
            direct_connect = self.direct_connect(obj["direct_connect"], "direct_connect")
        return Plan(
            version=version,
            name=self.scalar(obj, "name", "", str, ""),
            scenario=self.scalar(obj, "scenario", "", str, ""),
            routing=routing or Routing(),
            gateways=self.each(obj, "gateways", "", self.gateway),
            sites=self.each(obj, "sites", "", self.site),
            tunnels=self.each(obj, "tunnels", "", self.tunnel),
            policy_rules=self.each(obj, "policy_rules", "", self.policy_rule),
            direct_connect=direct_connect,
            ike=self.ike(obj["ike"], "ike") if "ike" in obj else IkePolicy(),
            ipsec=self.ipsec(obj["ipsec"], "ipsec") if "ipsec" in obj else IpsecPolicy(),
            psk=self.scalar(obj, "psk", "", str, ""),
        )


def parse_plan(data: object) -> tuple[Plan | None, list[Finding]]:
    """Build a ``Plan`` from its JSON form; ``None`` with findings when the shape or a type is wrong."""
    parser = _Parser()
    with collector_paused():
        plan = parser.plan(data)
    if has_errors(parser.findings):
        return None, parser.findings
    return plan, parser.findings


def load_plan_text(text: str) -> tuple[Plan | None, list[Finding]]:
    """Parse a plan file's text (JSON)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        # ValueError beyond JSONDecodeError: an integer longer than Python's 4,300-digit conversion limit.
        where = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        reason = (
            exc.msg
            if isinstance(exc, json.JSONDecodeError)
            else "nested too deeply"
            if isinstance(exc, RecursionError)
            else "a number has too many digits"
        )
        return None, [error("plan.not_json", "", f"The plan is not valid JSON{where}: {reason}.")]
    return parse_plan(data)
