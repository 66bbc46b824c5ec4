"""Django admin for every model; secrets are never shown, audit events are read-only."""

from django.contrib import admin

from wizard.models import AuditEvent, ConnectionRequest, DeviceConfig, Gateway, Site, Team, Tunnel


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count"]
    search_fields = ["name", "members__username"]
    filter_horizontal = ["members"]

    @admin.display(description="members")
    def member_count(self, team: Team) -> int:
        return team.members.count()


@admin.register(Gateway)
class GatewayAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "region", "vpc", "flavor", "ha_mode", "attachment", "bgp_asn", "status"]
    list_filter = ["region", "flavor", "ha_mode", "attachment", "status", "team"]
    search_fields = ["name", "vpc", "provider_id"]
    readonly_fields = ["provider_id", "created_at", "updated_at"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["position", "name", "gateway_ips", "bgp_asn", "platform", "subnets"]


class TunnelInline(admin.TabularInline):
    model = Tunnel
    extra = 0
    fields = ["peer", "connection", "cloud_ip", "customer_ip", "local_address", "peer_address", "status"]
    readonly_fields = fields


@admin.register(ConnectionRequest)
class ConnectionRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "scenario", "status", "team", "owner", "routing_mode", "submitted_at"]
    list_filter = ["status", "scenario", "routing_mode", "team"]
    search_fields = ["name", "owner__username", "team__name", "sites__name"]
    date_hierarchy = "created_at"
    # The encrypted pre-shared key is not a model form field (editable=False) and never listed here.
    exclude = ["psk_ciphertext"]
    readonly_fields = ["created_at", "updated_at", "submitted_at", "reviewed_at", "completed_at"]
    inlines = [SiteInline, TunnelInline]


@admin.register(DeviceConfig)
class DeviceConfigAdmin(admin.ModelAdmin):
    list_display = ["filename", "request", "peer", "platform", "generated_at", "changed"]
    list_filter = ["platform", "changed"]
    search_fields = ["filename", "peer", "request__name"]
    # Configs carry the pre-shared key: the admin shows metadata only.
    fields = ["request", "peer", "platform", "filename", "checksum", "generated_at", "changed"]
    readonly_fields = fields


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "request", "actor", "source_address"]
    list_filter = ["action"]
    search_fields = ["action", "actor__username", "request__name"]
    readonly_fields = ["created_at", "action", "request", "actor", "detail", "source_address"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
