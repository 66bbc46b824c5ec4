"""The wizard's steps: which forms each step shows, and which step and field own a finding's plan path."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.forms import BoundField
from django.forms.utils import ErrorDict

from wizard.choices import RoutingMode, Scenario
from wizard.forms.base import PlanForm
from wizard.forms.cloud import CloudStepForm
from wizard.forms.customer import DirectConnectForm, PeerGatewayForm, SiteForm, branch_count
from wizard.forms.routing import MAX_POLICY_RULES, PolicyRuleForm, RoutingForm, TunnelForm
from wizard.forms.security import SecurityForm
from wizard.models import Gateway, Team
from wizard.network import Finding, ResolvedTunnel

CLOUD, CUSTOMER, ROUTING, SECURITY, REVIEW = "cloud", "customer", "routing", "security", "review"
STEPS: tuple[str, ...] = (CLOUD, CUSTOMER, ROUTING, SECURITY, REVIEW)
FORM_STEPS: tuple[str, ...] = STEPS[:-1]

CUSTOMER_LABELS = {
    Scenario.HYBRID_CLOUD: "Your data center",
    Scenario.CROSS_REGION: "Peer region",
    Scenario.BRANCH_HUB: "Branches",
    Scenario.DC_BACKUP: "Data center and Direct Connect",
}


def step_label(step: str, scenario: str) -> str:
    if step == CUSTOMER:
        return CUSTOMER_LABELS.get(scenario, "Customer side")  # type: ignore[call-overload, no-any-return]
    return {
        CLOUD: "Cloud side",
        ROUTING: "Routing and tunnels",
        SECURITY: "Security",
        REVIEW: "Review and submit",
    }[step]


_SEGMENT = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?")
_RULE_FIELD = re.compile(r"rule-(\d+)-(\w+)")


def locate(path: str, scenario: str) -> tuple[str, str]:
    """(step, form field name) that owns a plan path such as ``sites[2].subnets[0]``; '' = the step."""
    segments = [(m.group(1), m.group(2)) for m in _SEGMENT.finditer(path)]
    if not segments:
        return CLOUD, ""
    top, index = segments[0]
    rest = [name for name, _ in segments[1:]]
    leaf = rest[0] if rest else ""
    if top in ("name", "scenario", "version"):
        return CLOUD, "request_name"
    if top == "gateways":
        if index == "1" and scenario == Scenario.CROSS_REGION:
            return CUSTOMER, f"peer-{leaf}" if leaf else ""
        return CLOUD, leaf if leaf != "ip_addresses" else ""
    if top == "sites":
        return CUSTOMER, f"site-{index}-{leaf}" if index is not None and leaf else ""
    if top == "direct_connect":
        return CUSTOMER, f"dc-{leaf}" if leaf else ""
    if top == "routing":
        return ROUTING, leaf
    if top == "policy_rules":
        return ROUTING, f"rule-{index}-{leaf}" if index is not None and leaf else ""
    if top == "tunnels":
        return ROUTING, f"tunnel-{index}-{leaf}" if index is not None and leaf in (
            "local_address",
            "peer_address",
        ) else ""
    if top in ("ike", "ipsec"):
        return SECURITY, "_".join([top, *rest]) if rest else ""
    if top == "psk":
        return SECURITY, "psk"
    return CLOUD, ""


@dataclass
class StepContext:
    """What the forms need beyond the plan: the user's teams and hubs, the draft's owner team and hub."""

    teams: QuerySet[Team]
    hubs: QuerySet[Gateway]
    team: Team | None = None
    hub: Gateway | None = None
    has_psk: bool = False
    tunnels: Sequence[ResolvedTunnel] = ()


@dataclass
class StepForms:
    """The forms of one step, used together: validated, written into the plan, given their findings."""

    step: str
    scenario: str
    forms: list[PlanForm]
    findings: list[Finding] = field(default_factory=list)
    # The form row each written policy rule came from: empty rows are skipped, so plan index != row.
    rule_rows: list[int] | None = None

    def __iter__(self) -> Iterable[PlanForm]:
        return iter(self.forms)

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.forms])

    def apply(self, plan: dict[str, Any]) -> dict[str, Any]:
        """A copy of the plan with what the user typed on this step (valid or not)."""
        result = copy.deepcopy(plan)
        for form in self.forms:
            form.to_plan(result)
        _finish(self, result)
        return result

    def bound_field(self, name: str) -> BoundField | None:
        for form in self.forms:
            prefix = f"{form.prefix}-" if form.prefix else ""
            if name.startswith(prefix) and name[len(prefix) :] in form.fields:
                return form[name[len(prefix) :]]
        return None

    def attach(self, findings: Iterable[Finding]) -> None:
        """Show each finding of this step next to its field; the rest stay in ``self.findings``."""
        for form in self.forms:
            if not form.is_bound:
                # An unbound form (a step shown again) carries findings too: give it an empty result.
                form.cleaned_data = {}
                form._errors = ErrorDict()
        for finding in findings:
            step, name = locate(finding.path, self.scenario)
            if step != self.step:
                continue
            name = self._rule_row(name)
            bound = self.bound_field(name) if name else None
            if bound is None:
                self.findings.append(finding)
                continue
            if finding.severity == "error":
                if not bound.errors:
                    text = f"{finding.message} {finding.suggestion}".strip()
                    bound.form.add_error(bound.name, text)
            else:
                self.findings.append(finding)

    def _rule_row(self, name: str) -> str:
        """``rule-<plan index>-field`` renamed to the form row that policy rule was written from."""
        match = _RULE_FIELD.fullmatch(name)
        if match is None or self.rule_rows is None:
            return name
        index = int(match.group(1))
        return f"rule-{self.rule_rows[index]}-{match.group(2)}" if index < len(self.rule_rows) else ""

    @property
    def has_errors(self) -> bool:
        return any(form.errors for form in self.forms) or any(f.severity == "error" for f in self.findings)


def _finish(step_forms: StepForms, plan: dict[str, Any]) -> None:
    """Whole-step writes: how many sites remain, which rules and tunnels the routing mode keeps."""
    if step_forms.step == CUSTOMER and step_forms.scenario != Scenario.CROSS_REGION:
        count = sum(isinstance(form, SiteForm) for form in step_forms.forms)
        sites = plan.get("sites")
        plan["sites"] = sites[:count] if isinstance(sites, list) else []
    if step_forms.step == ROUTING:
        routing = next(form for form in step_forms.forms if isinstance(form, RoutingForm))
        is_policy = routing.raw("mode") == RoutingMode.POLICY
        rows = [(form.index, form.values()) for form in step_forms.forms if isinstance(form, PolicyRuleForm)]
        written = [(row, rule) for row, rule in rows if rule] if is_policy else []
        plan["policy_rules"] = [rule for _, rule in written]
        step_forms.rule_rows = [row for row, _ in written]
        tunnels = [form.values() for form in step_forms.forms if isinstance(form, TunnelForm)]
        plan["tunnels"] = tunnels if routing.manual and not is_policy else []


def tunnel_peers(plan: dict[str, Any]) -> list[str]:
    """Peer names of a stored plan: site names, or the second gateway for cross-region."""
    if plan.get("scenario") == Scenario.CROSS_REGION:
        gateways = plan.get("gateways")
        if isinstance(gateways, list) and len(gateways) > 1 and isinstance(gateways[1], dict):
            return [str(gateways[1].get("name", ""))]
        return []
    sites = plan.get("sites")
    if not isinstance(sites, list):
        return []
    return [str(site.get("name", "")) for site in sites if isinstance(site, dict)]


def _tunnel_addresses(
    plan: dict[str, Any], resolved: Sequence[ResolvedTunnel]
) -> dict[tuple[str, int], dict[str, str]]:
    known: dict[tuple[str, int], dict[str, str]] = {
        (t.peer, t.connection): {"local_address": t.local_address, "peer_address": t.peer_address}
        for t in resolved
    }
    tunnels = plan.get("tunnels")
    for entry in tunnels if isinstance(tunnels, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("connection"), int):
            known[(str(entry.get("peer")), entry["connection"])] = {
                "local_address": str(entry.get("local_address", "")),
                "peer_address": str(entry.get("peer_address", "")),
            }
    return known


def build_step(step: str, data: Any, *, plan: dict[str, Any], context: StepContext) -> StepForms:
    """The forms of a step, bound to ``data`` when given, else showing the plan."""
    scenario = str(plan.get("scenario", ""))
    forms: list[PlanForm] = []
    if step == CLOUD:
        forms.append(
            CloudStepForm(
                data, plan=plan, teams=context.teams, hubs=context.hubs, team=context.team, hub=context.hub
            )
        )
    elif step == CUSTOMER:
        if scenario == Scenario.CROSS_REGION:
            gateways = plan.get("gateways")
            peer = gateways[1] if isinstance(gateways, list) and len(gateways) > 1 else {}
            forms.append(PeerGatewayForm(data, gateway=peer))
        else:
            sites = plan.get("sites") if isinstance(plan.get("sites"), list) else []
            assert isinstance(sites, list)
            count = branch_count(data, plan) if scenario == Scenario.BRANCH_HUB else 1
            for index in range(count):
                site = sites[index] if index < len(sites) else {}
                forms.append(SiteForm(data, index=index, site=site, branch=scenario == Scenario.BRANCH_HUB))
            if scenario == Scenario.DC_BACKUP:
                forms.append(DirectConnectForm(data, direct_connect=plan.get("direct_connect")))
    elif step == ROUTING:
        forms.append(RoutingForm(data, plan=plan))
        rules = plan.get("policy_rules") if isinstance(plan.get("policy_rules"), list) else []
        assert isinstance(rules, list)
        for index in range(MAX_POLICY_RULES):
            forms.append(PolicyRuleForm(data, index=index, rule=rules[index] if index < len(rules) else None))
        addresses = _tunnel_addresses(plan, context.tunnels)
        index = 0
        for peer in tunnel_peers(plan):
            for connection in (1, 2):
                known = addresses.get((peer, connection), {})
                forms.append(TunnelForm(data, index=index, peer=peer, connection=connection, addresses=known))
                index += 1
    elif step == SECURITY:
        forms.append(SecurityForm(data, plan=plan, has_psk=context.has_psk))
    else:
        raise ValueError(f"{step!r} is not a form step")
    return StepForms(step=step, scenario=scenario, forms=forms)
