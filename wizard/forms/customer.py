"""Step 2, the customer side: one site, a list of branches, Direct Connect details, or the peer gateway."""

from __future__ import annotations

from typing import Any

from django import forms

from wizard.choices import Attachment, NetworkType, Platform
from wizard.forms.base import PlanForm, initial_values, plan_list, plan_object
from wizard.forms.cloud import GATEWAY_FIELDS, NAME_HELP, GatewayFieldsMixin
from wizard.forms.values import CidrListField, int_or_raw, text_list

SITE_FIELDS = ("name", "gateway_ips", "bgp_asn", "platform", "subnets", "outside_interface")
MAX_BRANCHES = 50


def _asn_text(value: str) -> None:
    # An ASN is a whole number; its range and uniqueness are network rules with suggestions.
    if value and not (value.isascii() and value.isdigit()):
        raise forms.ValidationError(f"{value!r} is not a whole number; a private ASN looks like 65010.")


class SiteForm(PlanForm):
    """One customer gateway: an on-premises site or a branch office."""

    name = forms.CharField(label="Site name", max_length=200, help_text=NAME_HELP)
    gateway_ips = forms.CharField(
        label="Customer gateway IP(s)",
        max_length=200,
        help_text="The public, static IPv4 address of your VPN device. Active-standby needs two, "
        "one per line (connection 1 uses the first, connection 2 the second).",
        widget=forms.Textarea(attrs={"rows": 2, "class": "mono", "spellcheck": "false"}),
    )
    bgp_asn = forms.CharField(
        label="Customer BGP ASN",
        max_length=20,
        required=False,
        validators=[_asn_text],
        help_text="Your device's autonomous system number, required with BGP routing (for example 65010); "
        "it must differ from the cloud gateway's.",
    )
    platform = forms.ChoiceField(
        label="Device platform",
        choices=Platform.choices,
        initial=Platform.STRONGSWAN,
        help_text="The wizard generates a ready-to-paste configuration for this kind of device.",
    )
    subnets = CidrListField(
        label="Customer subnets",
        required=True,
        help_text="Your on-premises networks that use the VPN, one per line or comma-separated (1-50). "
        "They must not overlap the VPC or other sites.",
    )
    outside_interface = forms.CharField(
        label="Outside interface",
        max_length=64,
        required=False,
        help_text="The device's Internet-facing interface, for example <code>GigabitEthernet1</code>. "
        "Leave empty for the platform default.",
    )

    def __init__(self, data: Any = None, *, index: int, site: object, branch: bool) -> None:
        super().__init__(
            data,
            prefix=f"site-{index}",
            initial=initial_values(site, SITE_FIELDS, ("gateway_ips", "subnets")),
        )
        self.index = index
        if branch:
            self.fields["name"].label = "Branch name"
        if index > 0:
            # The first branch explains every field; the same help under each further branch is noise.
            for field in self.fields.values():
                field.help_text = ""

    def values(self) -> dict[str, Any]:
        return {
            "name": self.raw("name").strip(),
            "gateway_ips": text_list(self.raw("gateway_ips")),
            "bgp_asn": int_or_raw(self.raw("bgp_asn")),
            "platform": self.raw("platform").strip(),
            "subnets": text_list(self.raw("subnets")),
            "outside_interface": self.raw("outside_interface").strip(),
        }

    def to_plan(self, plan: dict[str, Any]) -> None:
        plan_object(plan_list(plan, "sites"), self.index).update(self.values())


class DirectConnectForm(PlanForm):
    """The Direct Connect line the VPN backs up (dc_backup)."""

    virtual_gateway_asn = forms.CharField(
        label="Direct Connect virtual gateway ASN",
        max_length=20,
        validators=[_asn_text],
        help_text="The cloud-side ASN of your Direct Connect virtual gateway (eu-de: 65146, eu-nl: 64512).",
    )
    enterprise_router_asn = forms.CharField(
        label="Enterprise router ASN",
        max_length=20,
        validators=[_asn_text],
        help_text="The ASN of the enterprise router (ER) both attachments share: 64512-65534 or "
        "4200000000-4294967294, default 64800; it must differ from the virtual gateway's.",
    )
    subnets = CidrListField(
        label="Subnets reached over Direct Connect",
        help_text="On-premises networks announced over Direct Connect; the VPN backs them up.",
    )

    def __init__(self, data: Any = None, *, direct_connect: object) -> None:
        initial = initial_values(
            direct_connect, ("virtual_gateway_asn", "enterprise_router_asn", "subnets"), ("subnets",)
        )
        super().__init__(data, prefix="dc", initial=initial)

    def to_plan(self, plan: dict[str, Any]) -> None:
        plan["direct_connect"] = {
            "virtual_gateway_asn": int_or_raw(self.raw("virtual_gateway_asn")),
            "enterprise_router_asn": int_or_raw(self.raw("enterprise_router_asn")),
            "subnets": text_list(self.raw("subnets")),
        }


class PeerGatewayForm(GatewayFieldsMixin, PlanForm):
    """Cross-region: the second VPN gateway (region B), which is the first one's customer gateway."""

    def __init__(self, data: Any = None, *, gateway: object) -> None:
        initial = initial_values(gateway, GATEWAY_FIELDS, ("vpc_cidrs", "local_subnets"))
        super().__init__(data, prefix="peer", initial=initial)
        self.fields["name"].label = "Gateway name (region B)"
        self.fields["region"].label = "Region B"
        self.fields["region"].help_text = "Must differ from region A."
        self.fields["bgp_asn"].initial = "64513"
        self.fields[
            "bgp_asn"
        ].help_text = "Must differ from region A's ASN when BGP is used, for example 64513."
        # The peer gateway is always attached to its VPC, so it needs local subnets.
        self.fields["local_subnets"].required = True

    def to_plan(self, plan: dict[str, Any]) -> None:
        gateways = plan_list(plan, "gateways")
        peer = plan_object(gateways, 1)
        peer.update(self.gateway_values())
        peer.setdefault("attachment", Attachment.VPC)
        peer.setdefault("network_type", NetworkType.PUBLIC)
        peer.setdefault("ip_addresses", [])


def branch_count(data: Any, plan: dict[str, Any]) -> int:
    """How many site forms the page holds: the posted count, else the plan's sites (at least one)."""
    raw = data.get("site_count") if data is not None else None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        return max(1, min(int(raw), MAX_BRANCHES))
    sites = plan.get("sites")
    return max(1, min(len(sites), MAX_BRANCHES)) if isinstance(sites, list) else 1
