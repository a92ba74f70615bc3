from finsam_saas.platform.auth import BOARD, STAFF, register_permissions

register_permissions({
    "economy.view": BOARD,
    "economy.edit": STAFF,
})
