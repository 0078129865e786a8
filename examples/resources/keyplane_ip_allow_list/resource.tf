# The office network and the VPN egress: keys attached to this list work only from these addresses.
# A single address (198.51.100.7) is a /32; the plan shows the set as the service stores it in normalised_cidrs.
resource "keyplane_ip_allow_list" "office" {
  name        = "office"
  description = "Office network and VPN egress"
  cidrs       = ["203.0.113.0/24", "198.51.100.7", "2001:db8:1234::/48"]
}
