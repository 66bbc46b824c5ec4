"""One device's view of its tunnels as a plain dict: crypto policy, tunnels, selectors, routing, checks.

`device` is the box being configured and `peer` the other end; the builders in `context.py` choose them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wizard.network.addresses import format_ipv4, parse_ipv4
from wizard.network.plan import Plan
from wizard.rendering.blocks import netmask, subnet
from wizard.rendering.ends import End
from wizard.rendering.errors import ConfigError
from wizard.rendering.platforms import map_policy, platform_spec
from wizard.rendering.safe_values import ipv4_address, safe

# The cloud recommends MSS < 1399 and tunnel MTU 1400 (cloud-vpn-rules.md §2.3); 1360 leaves room for
# IP + TCP headers with options on a 1400-byte tunnel.
TUNNEL_MTU = 1400
TCP_MSS = 1360
# DPD: on-demand with 3 retries is what the cloud recommends for customer gateways (§2.5).
DPD_RETRIES = 3
# dc_backup: the VPN path must lose against Direct Connect (learned over eBGP or static on the DC link).
BACKUP_LOCAL_PREFERENCE = 50
BACKUP_PREPEND = 3
BACKUP_DISTANCE = 230
PRIMARY_DISTANCE = 10
# BGP timers over a tunnel: keepalive 10 s, hold 30 s (fast failover between the two tunnels).
BGP_KEEPALIVE = 10
BGP_HOLD = 30

SCENARIO_LABELS = {
    "hybrid_cloud": "Hybrid cloud",
    "cross_region": "Cross-region VPC interconnection",
    "branch_hub": "Enterprise branch hub",
    "dc_backup": "VPN backup for Direct Connect",
}

# Outside interface used when the wizard was left blank: the header tells the user to check it.
DEFAULT_OUTSIDE_INTERFACE = {
    "strongswan": "",
    "cisco_iosxe": "GigabitEthernet1",
    "cisco_asa": "outside",
    "juniper_srx": "ge-0/0/0.0",
    "fortigate": "port1",
    "paloalto": "ethernet1/1",
    "huawei_vrp": "GigabitEthernet0/0/1",
    "mikrotik": "ether1",
    "generic": "",
}


def _split_interface_address(value: str, path: str) -> tuple[str, int]:
    address, _, length = value.partition("/")
    if parse_ipv4(address) is None or not length.isdigit() or not 0 < int(length) <= 32:
        raise ConfigError(f"{path} is not an interface address like 169.254.70.2/30 ({value!r}).", path=path)
    return address, int(length)


def tunnel_entry(
    number: int,
    *,
    prefix: str = "",
    local_ip: str,
    remote_ip: str,
    inside_local: str,
    inside_remote: str,
    preferred: bool,
) -> dict[str, Any]:
    path = f"tunnels[{number - 1}]"
    entry: dict[str, Any] = {
        "number": number,
        "name": f"{prefix}tunnel{number}",
        "local_ip": ipv4_address(local_ip, f"{path}.local_ip"),
        "remote_ip": ipv4_address(remote_ip, f"{path}.remote_ip"),
        "local_id": local_ip,
        "remote_id": remote_ip,
        "preferred": preferred,
        "distance": PRIMARY_DISTANCE if preferred else PRIMARY_DISTANCE + 10,
        "inside": None,
    }
    if inside_local:
        local, length = _split_interface_address(inside_local, f"{path}.local_address")
        remote, remote_length = _split_interface_address(inside_remote, f"{path}.peer_address")
        if length != remote_length:
            raise ConfigError(f"{path}: both inside addresses must use the same prefix length.", path=path)
        block = (parse_ipv4(local) or 0) & ((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF)
        entry["inside"] = {
            "local": local,
            "remote": remote,
            "prefixlen": length,
            "netmask": netmask(length),
            "network": f"{format_ipv4(block)}/{length}",
            "local_cidr": f"{local}/{length}",
            "remote_cidr": f"{remote}/{length}",
        }
    return entry


def require_ips(values: Sequence[str], who: str, path: str) -> None:
    if not all(values):
        raise ConfigError(
            f"The gateway IP addresses of {who} are not known yet, and configurations use real values only.",
            path=path,
            suggestion="Render the configurations after the cloud VPN gateway has been provisioned.",
        )


def _base(plan: Plan, platform: str, generated_at: str) -> dict[str, Any]:
    spec = platform_spec(platform)
    policy = map_policy(
        platform,
        ike={
            "version": plan.ike.version,
            "negotiation_mode": plan.ike.negotiation_mode,
            "authentication_algorithm": plan.ike.authentication_algorithm,
            "encryption_algorithm": plan.ike.encryption_algorithm,
            "dh_group": plan.ike.dh_group,
            "lifetime_seconds": plan.ike.lifetime_seconds,
        },
        ipsec={
            "authentication_algorithm": plan.ipsec.authentication_algorithm,
            "encryption_algorithm": plan.ipsec.encryption_algorithm,
            "pfs": plan.ipsec.pfs,
            "lifetime_seconds": plan.ipsec.lifetime_seconds,
        },
    )
    dpd = plan.ike.dpd
    policy["ike"]["dpd"] = {
        "interval": int(dpd.interval),
        "timeout": int(dpd.timeout),
        "retries": DPD_RETRIES,
        "dead_after": int(dpd.interval) + int(dpd.timeout) * DPD_RETRIES,
        "msg": safe(dpd.msg, "name", "ike.dpd.msg"),
    }
    policy["ike"]["cloud"] = {
        "version": plan.ike.version,
        "negotiation_mode": plan.ike.negotiation_mode,
        "authentication_algorithm": plan.ike.authentication_algorithm,
        "encryption_algorithm": plan.ike.encryption_algorithm,
        "dh_group": plan.ike.dh_group,
    }
    policy["ipsec"]["cloud"] = {
        "authentication_algorithm": plan.ipsec.authentication_algorithm,
        "encryption_algorithm": plan.ipsec.encryption_algorithm,
        "pfs": plan.ipsec.pfs,
        "transform_protocol": plan.ipsec.transform_protocol,
        "encapsulation_mode": plan.ipsec.encapsulation_mode,
    }
    return {
        "request": safe(plan.name, "name", "name"),
        "scenario": plan.scenario,
        "scenario_label": SCENARIO_LABELS.get(plan.scenario, plan.scenario),
        "mode": plan.routing.mode,
        "nqa": bool(plan.routing.nqa) and plan.routing.mode == "static",
        "generated_at": safe(generated_at, "timestamp", "generated_at"),
        "platform": spec.name,
        "platform_label": spec.label,
        "psk": safe(plan.psk, "psk", "psk"),
        "ike": policy["ike"],
        "ipsec": policy["ipsec"],
        "mtu": TUNNEL_MTU,
        "mss": TCP_MSS,
        "bgp_timers": {"keepalive": BGP_KEEPALIVE, "hold": BGP_HOLD},
    }


def device_view(
    plan: Plan,
    *,
    platform: str,
    generated_at: str,
    side: str,
    device: End,
    peer: End,
    device_subnets: list[dict[str, Any]],
    remote_subnets: list[dict[str, Any]],
    tunnels: list[dict[str, Any]],
    selectors: list[tuple[str, str]],
    backup: bool,
    initiator: bool,
) -> dict[str, Any]:
    context = _base(plan, platform, generated_at)
    if context["mode"] != "policy":
        selectors = []
    elif not selectors:
        # No policy rule names this end's subnets: protect every local x remote pair.
        selectors = [(local["cidr"], remote["cidr"]) for local in device_subnets for remote in remote_subnets]
    default_interface = DEFAULT_OUTSIDE_INTERFACE[context["platform"]]
    interface = safe(device.outside_interface, "interface", f"{device.path}.outside_interface")
    context.update(
        side=side,
        initiator=initiator,
        device={
            "name": safe(device.name, "name", f"{device.path}.name"),
            "asn": device.asn,
            "outside_interface": interface or default_interface,
            "outside_interface_given": bool(interface),
        },
        peer={"name": safe(peer.name, "name", f"{peer.path}.name"), "asn": peer.asn},
        local_subnets=device_subnets,
        remote_subnets=remote_subnets,
        tunnels=tunnels,
        selectors=[
            {
                "number": number,
                "local": subnet(local, "policy_rules"),
                "remote": subnet(remote, "policy_rules"),
            }
            for number, (local, remote) in enumerate(selectors, start=1)
        ],
        backup={
            "enabled": backup,
            "local_preference": BACKUP_LOCAL_PREFERENCE,
            "prepend": BACKUP_PREPEND,
            "distance": BACKUP_DISTANCE,
        },
    )
    if backup:
        for tunnel in tunnels:
            tunnel["distance"] = BACKUP_DISTANCE + tunnel["number"] - 1
    if context["mode"] == "bgp":
        for end, what in ((device, "device"), (peer, "peer")):
            if end.asn is None:
                raise ConfigError(f"BGP routing needs the BGP ASN of {end.name}.", path=f"{end.path}.bgp_asn")
            context[what]["asn"] = int(end.asn)
    context["checks"] = _checks(context)
    return context


_PLATFORM_CHECKS = {
    "cisco_iosxe": ("interfaces Tunnel1 and Tunnel2 are not used yet",),
    "cisco_asa": ("interfaces Tunnel1 and Tunnel2 are not used yet (ASA 9.8 or later for VTI)",),
    "juniper_srx": ("st0.1 and st0.2 are unused; security policies allow zone cloud-vpn to your LAN zone",),
    "fortigate": ("firewall policies allow the protected subnets between your LAN and the tunnels",),
    "paloalto": ('virtual router "default", zone "cloud-vpn"; security policies allow the subnets',),
    "huawei_vrp": ("interfaces Tunnel0/0/1 and Tunnel0/0/2 and IKE proposal 10 are not used yet",),
    "mikrotik": ("RouterOS 7; firewall filter rules accept IKE and the protected subnets",),
}


def _checks(context: dict[str, Any]) -> list[str]:
    """Device-local facts the generator cannot know: the header asks the user to check them."""
    checks = []
    platform = context["platform"]
    interface = context["device"]["outside_interface"]
    if platform not in ("strongswan", "generic"):
        if context["device"]["outside_interface_given"]:
            checks.append(f"outside interface {interface} (as entered in the wizard)")
        else:
            checks.append(f"outside interface {interface} (platform default; replace it if yours differs)")
    checks.extend(_PLATFORM_CHECKS.get(platform, ()))
    checks.append(
        "UDP 500 and 4500 (and ESP) from the peer gateway IPs are permitted on the outside interface"
    )
    checks.append("no NAT is applied between the protected subnets (NAT exemption)")
    return checks
