"""Step 4, security: IKE/IPsec policy from a preset or custom, and the pre-shared key."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django import forms

from wizard.forms.base import PlanForm, plan_object
from wizard.forms.values import int_or_raw
from wizard.network import crypto
from wizard.network.plan import IkePolicy, IpsecPolicy
from wizard.network.psk import PSK_MAX_LENGTH, PSK_MIN_LENGTH, PSK_SPECIALS

CUSTOM = "custom"
GENERATE = "generate"
ENTER = "enter"
KEEP = "keep"

PSK_RULES = (
    f"{PSK_MIN_LENGTH}-{PSK_MAX_LENGTH} characters with at least three of: upper-case letters, lower-case "
    f"letters, digits, and the special characters <code>{PSK_SPECIALS}</code>. "
    "Both ends must use the same key."
)


def _choices(values: tuple[str, ...], weak: dict[str, str], default: str) -> list[tuple[str, str]]:
    """Algorithm choices with the default named and weak values marked with the reason."""
    labels = []
    for value in values:
        label = value
        if value == default:
            label += " (cloud default)"
        if value in weak:
            label += f" — weak: {weak[value]}"
        labels.append((value, label))
    return labels


def _preset_choices() -> list[tuple[str, str]]:
    choices = [(preset.name, f"{preset.label}: {preset.description}") for preset in crypto.PRESETS.values()]
    choices.append((CUSTOM, "Custom: choose every algorithm yourself (weak choices are marked)."))
    return choices


def _lifetime(low_high: tuple[int, int]) -> str:
    return f"Seconds, {low_high[0]}-{low_high[1]}."


class SecurityForm(PlanForm):
    """IKE (phase 1) and IPsec (phase 2) policy and the pre-shared key."""

    preset = forms.ChoiceField(
        label="Security policy",
        widget=forms.RadioSelect,
        help_text="IKE sets up a protected channel between the gateways; IPsec then encrypts your traffic. "
        "Both ends must use identical settings.",
    )
    ike_version = forms.ChoiceField(
        label="IKE version",
        help_text="Internet Key Exchange protocol version; IKEv2 is faster and safer.",
    )
    ike_negotiation_mode = forms.ChoiceField(
        label="IKE negotiation mode", help_text="IKEv1 only; IKEv2 always uses main mode."
    )
    ike_authentication_algorithm = forms.ChoiceField(
        label="IKE authentication (hash)", help_text="Integrity check and pseudo-random function of phase 1."
    )
    ike_encryption_algorithm = forms.ChoiceField(
        label="IKE encryption", help_text="GCM algorithms need IKEv2."
    )
    ike_dh_group = forms.ChoiceField(
        label="DH group",
        help_text="Diffie-Hellman group: how the two gateways agree on keys; higher groups are stronger.",
    )
    ike_lifetime_seconds = forms.CharField(
        label="IKE SA lifetime",
        max_length=12,
        help_text="How long the IKE security association (SA) lasts before the gateways renegotiate it. "
        + _lifetime(crypto.IKE_LIFETIME_RANGE),
    )
    ike_dpd_timeout = forms.CharField(
        label="DPD retransmit interval",
        max_length=12,
        help_text="Dead peer detection: seconds between retries once the peer is silent "
        f"({crypto.DPD_TIMEOUT_RANGE[0]}-{crypto.DPD_TIMEOUT_RANGE[1]}).",
    )
    ike_dpd_interval = forms.CharField(
        label="DPD idle interval",
        max_length=12,
        help_text="Seconds of silence before the peer is probed "
        f"({crypto.DPD_INTERVAL_RANGE[0]}-{crypto.DPD_INTERVAL_RANGE[1]}).",
    )
    ike_dpd_msg = forms.ChoiceField(
        label="DPD message order",
        help_text="Order of the payloads in dead peer detection messages; keep the default unless your "
        "device needs the other.",
    )
    ipsec_authentication_algorithm = forms.ChoiceField(
        label="IPsec authentication (hash)", help_text="Integrity check of every encrypted packet."
    )
    ipsec_encryption_algorithm = forms.ChoiceField(
        label="IPsec encryption", help_text="Encrypts your traffic; GCM also checks integrity."
    )
    ipsec_pfs = forms.ChoiceField(
        label="PFS group",
        help_text="Perfect forward secrecy: a fresh key exchange for each IPsec SA, so one stolen key does "
        "not unlock other sessions.",
    )
    ipsec_lifetime_seconds = forms.CharField(
        label="IPsec SA lifetime",
        max_length=12,
        help_text="How long the keys that encrypt your traffic live before new ones are made. "
        + _lifetime(crypto.IPSEC_LIFETIME_RANGE),
    )
    psk_mode = forms.ChoiceField(
        label="Key to use",
        widget=forms.RadioSelect,
        help_text="The shared secret both gateways authenticate with; your device needs the same one. "
        "After approval it is part of your configuration downloads.",
    )
    psk = forms.CharField(
        label="Your pre-shared key",
        required=False,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Only when you chose to enter it. It is stored encrypted and never shown again in full.",
    )

    def __init__(self, data: Any = None, *, plan: dict[str, Any], has_psk: bool) -> None:
        ike = plan.get("ike") if isinstance(plan.get("ike"), dict) else {}
        ipsec = plan.get("ipsec") if isinstance(plan.get("ipsec"), dict) else {}
        assert isinstance(ike, dict) and isinstance(ipsec, dict)
        dpd = ike.get("dpd") if isinstance(ike.get("dpd"), dict) else {}
        assert isinstance(dpd, dict)
        initial: dict[str, Any] = {f"ike_{k}": v for k, v in ike.items() if k != "dpd"}
        initial |= {f"ike_dpd_{k}": v for k, v in dpd.items()}
        initial |= {f"ipsec_{k}": v for k, v in ipsec.items()}
        initial["preset"] = matching_preset(ike, ipsec)
        initial["psk_mode"] = KEEP if has_psk else GENERATE
        super().__init__(data, initial=initial)
        default_ike, default_ipsec = crypto.DEFAULT_IKE, crypto.DEFAULT_IPSEC
        self.fields["preset"].choices = _preset_choices()
        choice_sets = {
            "ike_version": (crypto.IKE_VERSIONS, crypto.WEAK_IKE_VERSIONS, default_ike.version),
            "ike_negotiation_mode": (
                crypto.NEGOTIATION_MODES,
                crypto.WEAK_NEGOTIATION_MODES,
                default_ike.negotiation_mode,
            ),
            "ike_authentication_algorithm": (
                crypto.AUTHENTICATION_ALGORITHMS,
                crypto.WEAK_AUTHENTICATION,
                default_ike.authentication_algorithm,
            ),
            "ike_encryption_algorithm": (
                crypto.ENCRYPTION_ALGORITHMS,
                crypto.WEAK_ENCRYPTION,
                default_ike.encryption_algorithm,
            ),
            "ike_dh_group": (crypto.DH_GROUPS, crypto.WEAK_DH_GROUPS, default_ike.dh_group),
            "ike_dpd_msg": (crypto.DPD_MESSAGES, {}, default_ike.dpd.msg),
            "ipsec_authentication_algorithm": (
                crypto.AUTHENTICATION_ALGORITHMS,
                crypto.WEAK_AUTHENTICATION,
                default_ipsec.authentication_algorithm,
            ),
            "ipsec_encryption_algorithm": (
                crypto.ENCRYPTION_ALGORITHMS,
                crypto.WEAK_ENCRYPTION,
                default_ipsec.encryption_algorithm,
            ),
            "ipsec_pfs": (crypto.PFS_GROUPS, crypto.WEAK_PFS, default_ipsec.pfs),
        }
        for name, (values, weak, default) in choice_sets.items():
            self.fields[name].choices = _choices(values, weak, default)
        modes = [(GENERATE, "Generate a strong key for me (recommended)"), (ENTER, "Enter my own key")]
        if has_psk:
            modes.insert(0, (KEEP, "Keep the key already saved"))
        self.fields["psk_mode"].choices = modes
        for name, field in self.fields.items():
            if name.startswith(("ike_", "ipsec_")):
                field.required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Custom policies need every value; presets bring their own.
        if cleaned.get("preset") == CUSTOM:
            for name in self.fields:
                if name.startswith(("ike_", "ipsec_")) and not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, "Choose a value: a custom policy needs every setting.")
        # An entered key must be present; its character rules are checked by the network rules.
        if cleaned.get("psk_mode") == ENTER and not self.data.get("psk"):
            self.add_error("psk", "Enter the pre-shared key, or choose to have one generated.")
        return cleaned

    @property
    def custom(self) -> bool:
        return (self.raw("preset") if self.is_bound else self.initial.get("preset")) == CUSTOM

    def to_plan(self, plan: dict[str, Any]) -> None:
        preset = crypto.PRESETS.get(self.raw("preset"))
        if preset is not None:
            plan["ike"] = _policy_dict(preset.ike)
            plan["ipsec"] = _policy_dict(preset.ipsec)
            return
        ike = plan_object(plan, "ike")
        for name in (
            "version",
            "negotiation_mode",
            "authentication_algorithm",
            "encryption_algorithm",
            "dh_group",
        ):
            ike[name] = self.raw(f"ike_{name}").strip()
        ike["lifetime_seconds"] = int_or_raw(self.raw("ike_lifetime_seconds"))
        ike["dpd"] = {
            "timeout": int_or_raw(self.raw("ike_dpd_timeout")),
            "interval": int_or_raw(self.raw("ike_dpd_interval")),
            "msg": self.raw("ike_dpd_msg").strip(),
        }
        ipsec = plan_object(plan, "ipsec")
        for name in ("authentication_algorithm", "encryption_algorithm", "pfs"):
            ipsec[name] = self.raw(f"ipsec_{name}").strip()
        ipsec["lifetime_seconds"] = int_or_raw(self.raw("ipsec_lifetime_seconds"))
        ipsec.setdefault("transform_protocol", "esp")
        ipsec.setdefault("encapsulation_mode", "tunnel")

    def new_psk(self) -> str | None:
        """The key the user typed (enter mode); None otherwise."""
        if self.raw("psk_mode") == ENTER:
            value = self.data.get("psk", "")
            return value if isinstance(value, str) and value else None
        return None


def _policy_dict(policy: IkePolicy | IpsecPolicy) -> dict[str, Any]:
    return asdict(policy)


def matching_preset(ike: dict[str, Any], ipsec: dict[str, Any]) -> str:
    """The preset whose values the plan holds, or 'custom'."""
    for preset in crypto.PRESETS.values():
        if _policy_dict(preset.ike) == ike and _policy_dict(preset.ipsec) == ipsec:
            return preset.name
    return CUSTOM
