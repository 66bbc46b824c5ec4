# VPN Wizard configuration for request branch-hub-bgp (Enterprise branch hub, bgp routing)
# Device: Berlin (platform: MikroTik RouterOS), peer: vpngw-fra
# Generated: 2026-01-15T09:30:00Z
# Tunnels: 1) 203.0.113.10 -> 198.51.100.10 2) 203.0.113.10 -> 198.51.100.11
# Check on this device before applying:
#   - outside interface ether1 (platform default; replace it if yours differs)
#   - RouterOS 7; firewall filter rules accept IKE and the protected subnets
#   - UDP 500 and 4500 (and ESP) from the peer gateway IPs are permitted on the outside interface
#   - no NAT is applied between the protected subnets (NAT exemption)

# RouterOS 7: paste into a terminal or import this file (/import file-name=...)
/ip ipsec profile
add name=cloud-vpn hash-algorithm=sha256 enc-algorithm=aes-256 dh-group=modp3072 lifetime=86400s dpd-interval=30s dpd-maximum-failures=3 nat-traversal=yes proposal-check=obey
/ip ipsec proposal
add name=cloud-vpn auth-algorithms=sha256 enc-algorithms=aes-256-cbc pfs-group=modp3072 lifetime=3600s
/ip ipsec peer
add name=cloud-vpn-1 address=198.51.100.10/32 local-address=203.0.113.10 profile=cloud-vpn exchange-mode=ike2 send-initial-contact=yes comment="branch-hub-bgp connection 1 to vpngw-fra"
add name=cloud-vpn-2 address=198.51.100.11/32 local-address=203.0.113.10 profile=cloud-vpn exchange-mode=ike2 send-initial-contact=yes comment="branch-hub-bgp connection 2 to vpngw-fra"
/ip ipsec identity
add peer=cloud-vpn-1 auth-method=pre-shared-key secret="Example-Key-2024:ok" my-id=address:203.0.113.10 remote-id=address:198.51.100.10 generate-policy=no
add peer=cloud-vpn-2 auth-method=pre-shared-key secret="Example-Key-2024:ok" my-id=address:203.0.113.10 remote-id=address:198.51.100.11 generate-policy=no
/interface bridge
add name=cloud-vpn-inside protocol-mode=none comment="holds the tunnel inside addresses"
/ip address
add address=169.254.1.2/30 interface=cloud-vpn-inside
add address=169.254.1.6/30 interface=cloud-vpn-inside
/ip ipsec policy
add peer=cloud-vpn-1 tunnel=yes src-address=169.254.1.2/32 dst-address=169.254.1.1/32 proposal=cloud-vpn action=encrypt level=unique
add peer=cloud-vpn-1 tunnel=yes src-address=10.1.0.0/16 dst-address=10.2.0.0/16 proposal=cloud-vpn action=encrypt level=unique
add peer=cloud-vpn-1 tunnel=yes src-address=10.1.0.0/16 dst-address=192.168.1.0/24 proposal=cloud-vpn action=encrypt level=unique
add peer=cloud-vpn-1 tunnel=yes src-address=10.1.0.0/16 dst-address=192.168.2.0/24 proposal=cloud-vpn action=encrypt level=unique
add peer=cloud-vpn-2 tunnel=yes src-address=169.254.1.6/32 dst-address=169.254.1.5/32 proposal=cloud-vpn action=encrypt level=unique
add peer=cloud-vpn-2 tunnel=yes src-address=10.1.0.0/16 dst-address=10.2.0.0/16 proposal=cloud-vpn action=encrypt level=unique disabled=yes comment="standby: enable when tunnel 1 fails"
add peer=cloud-vpn-2 tunnel=yes src-address=10.1.0.0/16 dst-address=192.168.1.0/24 proposal=cloud-vpn action=encrypt level=unique disabled=yes comment="standby: enable when tunnel 1 fails"
add peer=cloud-vpn-2 tunnel=yes src-address=10.1.0.0/16 dst-address=192.168.2.0/24 proposal=cloud-vpn action=encrypt level=unique disabled=yes comment="standby: enable when tunnel 1 fails"
/ip firewall nat
add chain=srcnat action=accept ipsec-policy=out,ipsec place-before=0 comment="branch-hub-bgp: no NAT into the tunnels"
/ip firewall mangle
add chain=forward action=change-mss new-mss=1360 passthrough=yes protocol=tcp tcp-flags=syn tcp-mss=1361-65535 ipsec-policy=out,ipsec comment="branch-hub-bgp: MSS for the tunnels"
/ip firewall address-list
add list=cloud-vpn-networks address=10.1.0.0/16
/routing bgp connection
add name=cloud-vpn-1 as=65010 remote.address=169.254.1.1/32 remote.as=64512 local.address=169.254.1.2 local.role=ebgp hold-time=30s keepalive-time=10s output.network=cloud-vpn-networks
add name=cloud-vpn-2 as=65010 remote.address=169.254.1.5/32 remote.as=64512 local.address=169.254.1.6 local.role=ebgp hold-time=30s keepalive-time=10s output.network=cloud-vpn-networks
