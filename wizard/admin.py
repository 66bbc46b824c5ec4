"""Django admin for every model; secrets are never shown, audit events are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from wizard.models import (
    AuditEvent,
    ConnectionRequest,
    DeviceConfig,
    Gateway,
    HubChange,
    ProviderResource,
    ProvisioningJob,
    SandboxResource,
    Site,
    Team,
    Tunnel,
)


class ReadOnlyAdminMixin:
    """Rows written only by the application: listed and shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count"]
    search_fields = ["name", "members__username"]
    filter_horizontal = ["members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_total=Count("members", distinct=True))

    @admin.display(description="members", ordering="member_total")
    def member_count(self, team: Team) -> int:
        return team.member_total


@admin.register(Gateway)
class GatewayAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "region", "vpc", "flavor", "ha_mode", "attachment", "bgp_asn", "status"]
    list_filter = ["region", "flavor", "ha_mode", "attachment", "network_type", "status", "team"]
    list_select_related = ["team"]
    search_fields = ["name", "vpc", "provider_id", "team__name"]
    readonly_fields = ["provider_id", "created_at", "updated_at"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["position", "name", "gateway_ips", "bgp_asn", "platform", "subnets"]


class TunnelInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Tunnel
    extra = 0
    fields = ["peer", "connection", "cloud_ip", "customer_ip", "local_address", "peer_address", "status"]
    readonly_fields = fields


class AuditEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The request's audit trail, newest first."""

    model = AuditEvent
    extra = 0
    fields = ["created_at", "action", "actor", "source_address", "detail"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]


@admin.register(ConnectionRequest)
class ConnectionRequestAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "name",
        "scenario",
        "status",
        "team",
        "owner",
        "gateway",
        "submitted_at",
        "reviewed_by",
    ]
    list_filter = ["status", "scenario", "routing_mode", "team", "gateway"]
    list_select_related = ["team", "owner", "gateway", "reviewed_by"]
    search_fields = ["name", "owner__username", "team__name", "sites__name", "gateway__name"]
    date_hierarchy = "created_at"
    # The encrypted pre-shared key is never shown; status changes go through the site (they are audited).
    exclude = ["psk_ciphertext"]
    readonly_fields = [
        "status",
        "reviewed_by",
        "review_comment",
        "failure_reason",
        "created_at",
        "updated_at",
        "submitted_at",
        "reviewed_at",
        "provisioning_started_at",
        "completed_at",
    ]
    inlines = [SiteInline, TunnelInline, AuditEventInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "request", "platform", "bgp_asn"]
    list_filter = ["platform"]
    list_select_related = ["request"]
    search_fields = ["name", "request__name"]


@admin.register(Tunnel)
class TunnelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "request",
        "cloud_ip",
        "customer_ip",
        "local_address",
        "peer_address",
        "status",
    ]
    list_filter = ["status"]
    list_select_related = ["request"]
    search_fields = ["peer", "request__name", "provider_id", "customer_ip", "cloud_ip"]


@admin.register(DeviceConfig)
class DeviceConfigAdmin(admin.ModelAdmin):
    list_display = ["filename", "request", "peer", "platform", "generated_at", "changed"]
    list_filter = ["platform", "changed"]
    list_select_related = ["request"]
    search_fields = ["filename", "peer", "request__name"]
    # Configs carry the pre-shared key: the admin shows metadata only.
    fields = ["request", "peer", "platform", "filename", "checksum", "generated_at", "changed"]
    readonly_fields = fields


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "action", "request", "actor", "source_address"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["request", "actor"]
    search_fields = ["action", "actor__username", "request__name", "source_address"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "action", "request", "actor", "detail", "source_address"]


@admin.register(ProvisioningJob)
class ProvisioningJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["request", "step", "attempts", "owner", "lease_until", "enqueued_at", "updated_at"]
    list_filter = ["step"]
    list_select_related = ["request"]
    search_fields = ["request__name", "owner", "last_error"]


@admin.register(ProviderResource)
class ProviderResourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "provider_id", "provider", "request", "key", "created_at"]
    list_filter = ["provider", "kind"]
    list_select_related = ["request"]
    search_fields = ["provider_id", "key", "request__name"]


@admin.register(SandboxResource)
class SandboxResourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "name", "status", "provider_id", "ready_at", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "provider_id", "identity"]
    # Sandbox connections keep what the cloud would, including their pre-shared key: never shown.
    exclude = ["attributes"]


@admin.register(HubChange)
class HubChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["gateway", "request", "created_at", "sent_at", "done_at"]
    list_filter = ["gateway"]
    list_select_related = ["gateway", "request"]
    search_fields = ["gateway__name", "request__name"]
