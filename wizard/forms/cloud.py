"""Step 1, the cloud side: request name, team, and the cloud VPN gateway (or an existing hub)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from wizard.choices import Attachment, GatewayFlavor, HaMode, NetworkType, Scenario
from wizard.forms.base import PlanForm, initial_values, plan_list, plan_object
from wizard.forms.values import CidrListField, int_or_raw, text_list
from wizard.models import Gateway, Team

NAME_HELP = "1-64 letters, digits, '_', '-' or '.' — the cloud refuses anything else."
GATEWAY_FIELDS = (
    "name",
    "region",
    "vpc",
    "vpc_cidrs",
    "local_subnets",
    "flavor",
    "ha_mode",
    "attachment",
    "network_type",
    "bgp_asn",
    "interconnection_subnet",
)
LIST_FIELDS = ("vpc_cidrs", "local_subnets")
# Short enough for a select box; the help text explains connection groups.
FLAVOR_CHOICES = (
    (GatewayFlavor.BASIC, "Basic: 100 Mbit/s, 10 groups"),
    (GatewayFlavor.PROFESSIONAL1, "Professional 1: 300 Mbit/s, 100 groups"),
    (GatewayFlavor.PROFESSIONAL2, "Professional 2: 1 Gbit/s, 100 groups"),
)


class GatewayFieldsMixin(forms.Form):
    """The fields of one cloud VPN gateway, named as in the plan."""

    name = forms.CharField(label="Gateway name", max_length=200, help_text=NAME_HELP)
    region = forms.CharField(
        max_length=200, help_text="The cloud region the gateway lives in, for example <code>eu-de</code>."
    )
    vpc = forms.CharField(
        label="VPC",
        max_length=200,
        help_text="The Virtual Private Cloud's ID, as its console shows it (a UUID); a name is "
        "enough to plan, but the cloud needs the ID to create the gateway.",
    )
    vpc_cidrs = CidrListField(
        label="VPC CIDR blocks",
        help_text="The VPC's own address blocks, one per line. On-premises subnets must not lie inside them.",
    )
    local_subnets = CidrListField(
        label="Local subnets",
        help_text="Cloud subnets your site may reach through the VPN, one per line or comma-separated "
        "(required when the gateway is attached to a VPC; at most 50).",
    )
    flavor = forms.ChoiceField(
        label="Gateway specification",
        choices=FLAVOR_CHOICES,
        initial=GatewayFlavor.PROFESSIONAL1,
        help_text="Bandwidth and how many connection groups (two tunnels to one device) it carries. "
        "Basic cannot attach to an enterprise router.",
    )
    ha_mode = forms.ChoiceField(
        label="HA mode",
        choices=HaMode.choices,
        initial=HaMode.ACTIVE_ACTIVE,
        widget=forms.RadioSelect,
        help_text="High availability. Active-active: both gateway IPs connect to one customer IP (default). "
        "Active-standby: two customer IPs, the standby takes over and traffic switches back.",
    )
    bgp_asn = forms.CharField(
        label="BGP ASN",
        max_length=20,
        initial="64512",
        help_text="Autonomous system number of the cloud gateway (1-4294967295, default 64512). "
        "It must differ from every customer ASN and cannot be changed later.",
    )

    interconnection_subnet = forms.CharField(
        label="Interconnection subnet ID",
        max_length=200,
        required=False,
        help_text="The ID of the VPC subnet the gateway takes its own addresses from: the console's "
        "<em>Interconnection Subnet</em> (API <code>connect_subnet</code>), not your on-premises subnets. "
        "It needs at least 4 free addresses and cannot be changed later. Leave empty until you know it; "
        "the cloud needs it to create the gateway.",
    )

    def clean_bgp_asn(self) -> str:
        value = self.cleaned_data["bgp_asn"]
        # An ASN is a whole number; the range is checked by the network rules with a suggestion.
        if value and not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(f"{value!r} is not a whole number; an ASN looks like 64512.")
        return value

    def gateway_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in self.fields:
            if name not in GATEWAY_FIELDS:
                continue
            raw = self.raw(name)  # type: ignore[attr-defined]
            if name in LIST_FIELDS:
                values[name] = text_list(raw)
            elif name == "bgp_asn":
                values[name] = int_or_raw(raw)
            else:
                values[name] = raw.strip()
        return values


class CloudStepForm(GatewayFieldsMixin, PlanForm):
    """Who the request belongs to and the cloud gateway it creates or joins."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label=None,
        help_text="The team that owns this request; its members can see it.",
    )
    request_name = forms.CharField(
        label="Request name",
        max_length=200,
        help_text=f"A short name for this connection, for example <code>fra-datacenter</code>. {NAME_HELP}",
    )
    existing_hub = forms.ModelChoiceField(
        label="Hub gateway",
        queryset=Gateway.objects.none(),
        required=False,
        empty_label="Create a new hub gateway",
        help_text="Add a branch to a hub your team already has: its settings are used and the new branch is "
        "checked against every branch already on it. Leave on 'Create' to plan a new hub below.",
    )
    attachment = forms.ChoiceField(
        choices=Attachment.choices,
        initial=Attachment.VPC,
        widget=forms.RadioSelect,
        help_text="What the gateway is attached to: a VPC, or an enterprise router (ER, needed to back up "
        "Direct Connect).",
    )
    network_type = forms.ChoiceField(
        label="Network type",
        choices=NetworkType.choices,
        initial=NetworkType.PUBLIC,
        widget=forms.RadioSelect,
        help_text="Public: reachable over the Internet with elastic IPs. Private: IPs inside the VPC, "
        "for VPN over Direct Connect.",
    )

    field_order = ("team", "request_name", "existing_hub", *GATEWAY_FIELDS)

    def __init__(
        self,
        data: Any = None,
        *,
        plan: dict[str, Any],
        teams: QuerySet[Team],
        hubs: QuerySet[Gateway],
        team: Team | None,
        hub: Gateway | None,
    ) -> None:
        gateways = plan.get("gateways")
        gateway = gateways[0] if isinstance(gateways, list) and gateways else {}
        initial = initial_values(gateway, GATEWAY_FIELDS, LIST_FIELDS)
        if isinstance(plan.get("name"), str):
            initial["request_name"] = plan["name"]
        if team is not None:
            initial["team"] = team.pk
        if hub is not None:
            initial["existing_hub"] = hub.pk
        super().__init__(data, initial=initial)
        self.scenario = plan.get("scenario")
        self.fields["team"].queryset = teams
        if len(teams) == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = teams[0].pk
        if self.scenario == Scenario.BRANCH_HUB:
            self.fields["existing_hub"].queryset = hubs
        else:
            del self.fields["existing_hub"]
        if self.scenario == Scenario.CROSS_REGION:
            self.fields["name"].label = "Gateway name (region A)"
            self.fields["region"].label = "Region A"
        # A gateway attached to a VPC needs local subnets (the network rules say so too); say it up front.
        self.fields["local_subnets"].required = self._chosen("attachment") == Attachment.VPC
        if self._chosen("existing_hub"):
            # Joining an existing hub takes the hub's own settings: nothing about a new gateway is needed.
            for name in GATEWAY_FIELDS:
                self.fields[name].required = False

    def _chosen(self, name: str) -> str:
        """The posted value of a field, or the one the page shows, as text ('' when the field is absent)."""
        if name not in self.fields:
            return ""
        if self.is_bound:
            return self.raw(name)
        value = self.initial.get(name, self.fields[name].initial)
        return "" if value is None else str(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        hub = cleaned.get("existing_hub")
        team = cleaned.get("team")
        # A hub belongs to one team; a branch can join only its own team's hub.
        if hub is not None and team is not None and hub.team_id != team.pk:
            self.add_error("existing_hub", f"{hub} belongs to another team; choose a hub of {team}.")
        return cleaned

    def to_plan(self, plan: dict[str, Any]) -> None:
        plan["name"] = self.raw("request_name").strip()
        gateway = plan_object(plan_list(plan, "gateways"), 0)
        hub = self.cleaned_data.get("existing_hub") if self.is_valid() else None
        if hub is not None:
            gateway.update(hub_values(hub))
        else:
            gateway.update(self.gateway_values())
            gateway.setdefault("ip_addresses", [])


def hub_values(hub: Gateway) -> dict[str, Any]:
    """An existing gateway in the plan's form: it joins with its real settings and IPs."""
    return {
        "name": hub.name,
        "region": hub.region,
        "vpc": hub.vpc,
        "vpc_cidrs": list(hub.vpc_cidrs),
        "local_subnets": list(hub.local_subnets),
        "flavor": hub.flavor,
        "ha_mode": hub.ha_mode,
        "attachment": hub.attachment,
        "network_type": hub.network_type,
        "bgp_asn": hub.bgp_asn,
        "ip_addresses": list(hub.ip_addresses),
    }
