"""Step 3, routing and tunnels: static, BGP or policy-based; policy rules; tunnel inside addresses."""

from __future__ import annotations

from typing import Any

from django import forms

from wizard.choices import RoutingMode, Scenario
from wizard.forms.base import PlanForm, plan_object
from wizard.forms.values import CidrListField, checked, text_list

MAX_POLICY_RULES = 5
AUTOMATIC = "automatic"
MANUAL = "manual"


class RoutingForm(PlanForm):
    mode = forms.ChoiceField(
        label="Routing mode",
        choices=RoutingMode.choices,
        widget=forms.RadioSelect,
        help_text="Static: you list the subnets each side routes into the tunnels. BGP: both sides exchange "
        "routes dynamically (needed for Direct Connect backup). Policy-based: traffic is selected by "
        "source/destination rules, for devices without tunnel interfaces.",
    )
    branch_interconnection = forms.BooleanField(
        label="Let branches reach each other through the hub",
        required=False,
        help_text="BGP only: the hub advertises every branch's routes to the other branches.",
    )
    nqa = forms.BooleanField(
        label="Link detection (NQA, network quality analysis)",
        required=False,
        help_text="Static only: the cloud pings your tunnel interface and fails over when it stops "
        "answering; "
        "your device must answer ICMP on its inside address.",
    )
    tunnel_addressing = forms.ChoiceField(
        label="Tunnel inside addresses",
        choices=((AUTOMATIC, "Automatic (recommended)"), (MANUAL, "Enter them myself")),
        widget=forms.RadioSelect,
        initial=AUTOMATIC,
        help_text="Each tunnel needs a /30 from 169.254.0.0/16 for its two interfaces. Automatic picks free "
        "ones; enter your own if your devices already use some.",
    )

    def __init__(self, data: Any = None, *, plan: dict[str, Any]) -> None:
        routing = plan.get("routing") if isinstance(plan.get("routing"), dict) else {}
        assert isinstance(routing, dict)
        tunnels = plan.get("tunnels")
        initial = {
            "mode": routing.get("mode", RoutingMode.STATIC),
            "branch_interconnection": bool(routing.get("branch_interconnection")),
            "nqa": bool(routing.get("nqa")),
            "tunnel_addressing": MANUAL if isinstance(tunnels, list) and tunnels else AUTOMATIC,
        }
        super().__init__(data, initial=initial)
        if plan.get("scenario") != Scenario.BRANCH_HUB:
            del self.fields["branch_interconnection"]

    def to_plan(self, plan: dict[str, Any]) -> None:
        routing = plan_object(plan, "routing")
        routing["mode"] = self.raw("mode").strip()
        routing["branch_interconnection"] = checked(self.raw("branch_interconnection"))
        routing["nqa"] = checked(self.raw("nqa"))

    @property
    def manual(self) -> bool:
        if self.is_bound:
            return self.raw("tunnel_addressing") == MANUAL
        return self.initial.get("tunnel_addressing") == MANUAL


class PolicyRuleForm(PlanForm):
    """One policy rule: which cloud source block may talk to which customer destinations."""

    source = forms.CharField(
        label="Source (cloud side)",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "mono", "spellcheck": "false"}),
        help_text="A cloud block, for example 192.168.1.0/24.",
    )
    destinations = CidrListField(
        label="Destinations (your side)",
        help_text="Customer subnets, one per line; together the rules must cover all of them.",
        widget=forms.Textarea(attrs={"rows": 2, "class": "mono", "spellcheck": "false"}),
    )

    def __init__(self, data: Any = None, *, index: int, rule: object) -> None:
        initial: dict[str, Any] = {}
        if isinstance(rule, dict):
            initial["source"] = rule.get("source", "")
            destinations = rule.get("destinations")
            initial["destinations"] = (
                "\n".join(map(str, destinations)) if isinstance(destinations, list) else ""
            )
        super().__init__(data, prefix=f"rule-{index}", initial=initial)
        self.index = index
        self.fields["source"].label = f"Rule {index + 1}: source (cloud side)"
        self.fields["destinations"].label = f"Rule {index + 1}: destinations (your side)"
        if index > 0:  # the first rule explains both fields
            self.fields["source"].help_text = self.fields["destinations"].help_text = ""

    def values(self) -> dict[str, Any] | None:
        source = self.raw("source").strip()
        destinations = text_list(self.raw("destinations"))
        return {"source": source, "destinations": destinations} if source or destinations else None


class TunnelForm(PlanForm):
    """Manual inside addresses of one tunnel (one connection to one peer)."""

    local_address = forms.CharField(
        label="Cloud side",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "mono", "spellcheck": "false"}),
        help_text="For example 169.254.70.1/30.",
    )
    peer_address = forms.CharField(
        label="Your side",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "mono", "spellcheck": "false"}),
        help_text="The other host of the same /30, for example 169.254.70.2/30.",
    )

    def __init__(
        self, data: Any = None, *, index: int, peer: str, connection: int, addresses: dict[str, str]
    ):
        super().__init__(data, prefix=f"tunnel-{index}", initial=addresses)
        self.index = index
        self.peer = peer
        self.connection = connection
        self.fields["local_address"].label = f"{peer}, connection {connection}: cloud side"
        self.fields["peer_address"].label = f"{peer}, connection {connection}: your side"
        if index > 0:  # the first tunnel explains both fields
            self.fields["local_address"].help_text = self.fields["peer_address"].help_text = ""

    def values(self) -> dict[str, Any]:
        return {
            "peer": self.peer,
            "connection": self.connection,
            "local_address": self.raw("local_address").strip(),
            "peer_address": self.raw("peer_address").strip(),
        }
