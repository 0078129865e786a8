# An IP allow list is imported by its id.
terraform import keyplane_ip_allow_list.office al_0123456789abcdef
