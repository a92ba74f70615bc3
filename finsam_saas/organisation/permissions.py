from finsam_saas.platform.auth import BOARD, STAFF, register_permissions

register_permissions({
    "organisation.edit": STAFF,  # the register of people: seats, kansli, the members' addresses
    "organisation.contacts": BOARD,  # e-mail and phone of the förbund's people: its own board and staff
})
