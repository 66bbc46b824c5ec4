"""The domain: teams, cloud gateways, customer sites, connection requests, tunnels, configs, audit events."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models

from wizard import secrets
from wizard.choices import (
    Attachment,
    GatewayFlavor,
    GatewayStatus,
    HaMode,
    NetworkType,
    Platform,
    RequestStatus,
    RoutingMode,
    Scenario,
    TunnelStatus,
)


class Team(models.Model):
    """Requests and gateways belong to a team; a user sees only the teams they are a member of."""

    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Gateway(models.Model):
    """A cloud VPN gateway. A hub is a gateway that many branch requests connect to."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="gateways")
    name = models.CharField(max_length=64, help_text="1-64 letters, digits, '_', '-' or '.'.")
    region = models.CharField(max_length=64, help_text="Cloud region, for example eu-de.")
    vpc = models.CharField("VPC", max_length=64)
    vpc_cidrs = models.JSONField("VPC CIDR blocks", default=list, blank=True)
    local_subnets = models.JSONField(
        default=list, blank=True, help_text="Cloud-side subnets reachable over VPN."
    )
    flavor = models.CharField(
        max_length=16, choices=GatewayFlavor.choices, default=GatewayFlavor.PROFESSIONAL1
    )
    ha_mode = models.CharField("HA mode", max_length=16, choices=HaMode.choices, default=HaMode.ACTIVE_ACTIVE)
    attachment = models.CharField(max_length=8, choices=Attachment.choices, default=Attachment.VPC)
    network_type = models.CharField(max_length=8, choices=NetworkType.choices, default=NetworkType.PUBLIC)
    bgp_asn = models.PositiveBigIntegerField("BGP ASN", default=64512)
    ip_addresses = models.JSONField("gateway IPs", default=list, blank=True)
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=GatewayStatus.choices, default=GatewayStatus.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "name"]
        constraints = [models.UniqueConstraint(fields=["team", "region", "name"], name="gateway_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.region})"


class ConnectionRequest(models.Model):
    """One request for a site-to-site VPN, from draft to active. `plan` is its serialisable form (no PSK)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="requests")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vpn_requests")
    name = models.CharField(max_length=64)
    scenario = models.CharField(max_length=16, choices=Scenario.choices)
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.DRAFT, db_index=True
    )
    routing_mode = models.CharField(max_length=8, choices=RoutingMode.choices, default=RoutingMode.STATIC)
    gateway = models.ForeignKey(
        Gateway,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        help_text="The cloud gateway (or hub) this request connects to, once known.",
    )
    plan = models.JSONField(default=dict, blank=True)
    psk_ciphertext = models.TextField("pre-shared key (encrypted)", blank=True, editable=False)
    current_step = models.CharField(max_length=32, blank=True)
    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_requests",
    )
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    provisioning_started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"

    @property
    def psk(self) -> str:
        return secrets.decrypt(self.psk_ciphertext)

    @psk.setter
    def psk(self, value: str) -> None:
        self.psk_ciphertext = secrets.encrypt(value)


class Site(models.Model):
    """A customer gateway: one on-premises site or branch of a request."""

    request = models.ForeignKey(ConnectionRequest, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=64)
    gateway_ips = models.JSONField("customer gateway IPs", default=list)
    bgp_asn = models.PositiveBigIntegerField("BGP ASN", null=True, blank=True)
    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.STRONGSWAN)
    subnets = models.JSONField("customer subnets", default=list)
    outside_interface = models.CharField(max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["request", "position"]
        constraints = [models.UniqueConstraint(fields=["request", "name"], name="site_unique_name")]

    def __str__(self) -> str:
        return self.name


class Tunnel(models.Model):
    """One connection of a pair: a cloud gateway IP to a customer gateway IP, with its inside /30."""

    request = models.ForeignKey(ConnectionRequest, on_delete=models.CASCADE, related_name="tunnels")
    peer = models.CharField(
        max_length=64, help_text="The site (or, cross-region, the peer gateway) it connects."
    )
    connection = models.PositiveSmallIntegerField(help_text="1 or 2: which cloud gateway IP.")
    cloud_ip = models.CharField(max_length=45, blank=True)
    customer_ip = models.CharField(max_length=45)
    local_address = models.CharField("cloud inside address", max_length=18)
    peer_address = models.CharField("customer inside address", max_length=18)
    provider_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=TunnelStatus.choices, default=TunnelStatus.PLANNED)
    status_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "peer", "connection"]
        constraints = [
            models.UniqueConstraint(fields=["request", "peer", "connection"], name="tunnel_unique_connection")
        ]

    def __str__(self) -> str:
        return f"{self.peer} #{self.connection}"


class DeviceConfig(models.Model):
    """A rendered configuration for one device (site) and platform."""

    request = models.ForeignKey(ConnectionRequest, on_delete=models.CASCADE, related_name="configs")
    peer = models.CharField(max_length=64)
    platform = models.CharField(max_length=16, choices=Platform.choices)
    filename = models.CharField(max_length=200)
    # Configs embed the pre-shared key: encrypted at rest like the key itself.
    content = secrets.EncryptedTextField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the content.")
    generated_at = models.DateTimeField()
    changed = models.BooleanField(default=False, help_text="Changed since the team last downloaded it.")
    downloaded_content = secrets.EncryptedTextField(
        blank=True, help_text="The content as last downloaded, for the diff."
    )

    class Meta:
        ordering = ["request", "peer", "platform"]
        # One row per generated file: a device may get several (strongSwan with BGP: swanctl.conf + frr.conf).
        constraints = [models.UniqueConstraint(fields=["request", "filename"], name="config_unique_file")]

    def __str__(self) -> str:
        return self.filename


class AuditEvent(models.Model):
    """Append-only record of who did what to which request, when and from where."""

    request = models.ForeignKey(
        ConnectionRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    action = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    source_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionDenied("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Audit events are append-only.")


class ProvisioningJob(models.Model):
    """The provisioning of one request: the step it reached, and which worker task holds it until when.

    A task works on a request only while it holds the lease (`owner`, `lease_until`); a task that dies leaves
    an expired lease behind, which the reconciler notices and hands to a new task.
    """

    request = models.OneToOneField(
        ConnectionRequest, on_delete=models.CASCADE, related_name="provisioning_job"
    )
    step = models.CharField(max_length=32, blank=True)
    owner = models.CharField(max_length=64, blank=True, help_text="Id of the task holding the lease.")
    lease_until = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"provisioning of request #{self.request_id} ({self.step or 'queued'})"


class ProviderResource(models.Model):
    """A provider resource created for a request that has no row of its own (customer gateway, monitor, ...).

    Recorded as soon as the provider returns its id, so that a retry reuses it instead of creating another.
    """

    request = models.ForeignKey(
        ConnectionRequest, on_delete=models.CASCADE, related_name="provider_resources"
    )
    key = models.CharField(
        max_length=160, help_text="What the resource is for, e.g. customer_gateway:Berlin:1."
    )
    kind = models.CharField(max_length=32)
    provider = models.CharField(max_length=16)
    provider_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "key"], name="provider_resource_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.provider_id}"


class SandboxResource(models.Model):
    """A cloud resource of the sandbox provider: the database stands in for the cloud API."""

    kind = models.CharField(max_length=32)
    provider_id = models.CharField(max_length=64, unique=True)
    identity = models.CharField(
        max_length=255, unique=True, help_text="What makes a second create call the same resource."
    )
    name = models.CharField(max_length=64)
    status = models.CharField(max_length=32)
    attributes = models.JSONField(default=dict, blank=True)
    ready_at = models.DateTimeField(help_text="When the resource leaves PENDING_CREATE.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} ({self.status})"


class HubChange(models.Model):
    """A branch joined or left a hub, so the other branches' configs must be regenerated.

    Recorded in the same transaction as the change and marked done by the refresh, so that a refresh lost
    on the way (broker down, worker gone) is sent again by the reconciler.
    """

    gateway = models.ForeignKey(Gateway, on_delete=models.CASCADE, related_name="hub_changes")
    request = models.ForeignKey(
        ConnectionRequest,
        on_delete=models.CASCADE,
        related_name="hub_changes",
        help_text="The branch request that joined or left.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the refresh was last handed on.")
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"hub {self.gateway_id} change by request #{self.request_id}"
