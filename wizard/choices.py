"""Named constants for every enumerated value of the domain."""

from django.db import models


class Scenario(models.TextChoices):
    HYBRID_CLOUD = "hybrid_cloud", "Hybrid cloud"
    CROSS_REGION = "cross_region", "Cross-region VPC interconnection"
    BRANCH_HUB = "branch_hub", "Enterprise branch hub"
    DC_BACKUP = "dc_backup", "VPN backup for Direct Connect"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING_REVIEW = "pending_review", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PROVISIONING = "provisioning", "Provisioning"
    ACTIVE = "active", "Active"
    FAILED = "failed", "Failed"
    DECOMMISSIONING = "decommissioning", "Decommissioning"
    DECOMMISSIONED = "decommissioned", "Decommissioned"


class RoutingMode(models.TextChoices):
    STATIC = "static", "Static routing"
    BGP = "bgp", "BGP routing"
    POLICY = "policy", "Policy-based"


class Platform(models.TextChoices):
    STRONGSWAN = "strongswan", "strongSwan (swanctl.conf)"
    CISCO_IOSXE = "cisco_iosxe", "Cisco IOS-XE"
    CISCO_ASA = "cisco_asa", "Cisco ASA"
    JUNIPER_SRX = "juniper_srx", "Juniper SRX"
    FORTIGATE = "fortigate", "Fortinet FortiGate"
    PALOALTO = "paloalto", "Palo Alto PAN-OS"
    HUAWEI_VRP = "huawei_vrp", "Huawei USG/AR (VRP)"
    MIKROTIK = "mikrotik", "MikroTik RouterOS"
    GENERIC = "generic", "Other device (parameter sheet)"


class GatewayFlavor(models.TextChoices):
    BASIC = "Basic", "Basic (100 Mbit/s, 10 connection groups)"
    PROFESSIONAL1 = "Professional1", "Professional 1 (300 Mbit/s, 100 connection groups)"
    PROFESSIONAL2 = "Professional2", "Professional 2 (1 Gbit/s, 100 connection groups)"


class HaMode(models.TextChoices):
    ACTIVE_ACTIVE = "active-active", "Active-active"
    ACTIVE_STANDBY = "active-standby", "Active-standby"


class Attachment(models.TextChoices):
    VPC = "vpc", "VPC"
    ENTERPRISE_ROUTER = "er", "Enterprise router"


class NetworkType(models.TextChoices):
    PUBLIC = "public", "Public (EIPs)"
    PRIVATE = "private", "Private (IPs in the VPC)"


class GatewayStatus(models.TextChoices):
    PLANNED = "PLANNED", "Planned"
    PENDING_CREATE = "PENDING_CREATE", "Creating"
    ACTIVE = "ACTIVE", "Normal"
    PENDING_UPDATE = "PENDING_UPDATE", "Updating"
    PENDING_DELETE = "PENDING_DELETE", "Deleting"
    FAULT = "FAULT", "Fault"
    FREEZED = "FREEZED", "Frozen"


class TunnelStatus(models.TextChoices):
    PLANNED = "PLANNED", "Planned"
    PENDING_CREATE = "PENDING_CREATE", "Creating"
    DOWN = "DOWN", "Not connected"
    ACTIVE = "ACTIVE", "Normal"
    ERROR = "ERROR", "Abnormal"
    PENDING_UPDATE = "PENDING_UPDATE", "Updating"
    PENDING_DELETE = "PENDING_DELETE", "Deleting"
    FREEZED = "FREEZED", "Frozen"
    UNKNOWN = "UNKNOWN", "Unknown"
