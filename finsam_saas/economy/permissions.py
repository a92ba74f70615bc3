from finsam_saas.platform.auth import BOARD, STAFF, register_permissions

register_permissions({
    "economy.view": BOARD,
    "economy.edit": STAFF,
    # Attestants include the chair and vice chair, who are ledamöter; the rules decide per step.
    "attest.view": STAFF | {"ledamot", "revisor"},
})
