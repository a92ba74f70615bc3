from finsam_saas.platform.auth import BOARD, STAFF, register_permissions

register_permissions({
    "insatser.view": BOARD | {"insatsansvarig"},
    "insatser.edit": STAFF,
    # Reporting for an insats: the kansli for all, an insatsansvarig for their own (checked per insats).
    "insatser.report": STAFF | {"insatsansvarig"},
    "applications.create": STAFF,
    "applications.decide": STAFF,
    "reports.assess": STAFF,
    # Entering the day a paper report came in decides whether it was late: the kansli's, not the insats's.
    "reports.backfill": STAFF,
    "deviations.decide": frozenset({"admin"}),  # the förbundschef holds the admin role of the förbund
    "followup.print": BOARD,
    "social.view": BOARD,
    "social.edit": STAFF,
})
