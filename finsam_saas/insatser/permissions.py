from finsam_saas.platform.auth import BOARD, STAFF, register_permissions

register_permissions({
    "insatser.view": BOARD | {"insatsansvarig"},
    "insatser.edit": STAFF,
    # Reporting for an insats: the kansli for all, an insatsansvarig for their own (checked per insats).
    "insatser.report": STAFF | {"insatsansvarig"},
    "applications.create": STAFF,
    "applications.decide": STAFF,
    "reports.assess": STAFF,
    "deviations.decide": frozenset({"admin"}),  # the förbundschef holds the admin role of the förbund
    "followup.print": BOARD,
    "social.view": BOARD,
    "social.edit": STAFF,
})
