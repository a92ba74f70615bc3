from finsam_saas.platform.auth import BOARD, STAFF, register_permissions

register_permissions({
    "meetings.view": BOARD | {"valberedning"},
    "meetings.edit": STAFF,
    "meetings.justera": STAFF,  # the kansli records a justering made on paper, on the signers' behalf
    "meetings.approve": STAFF | {"ledamot"},  # a signer approves the protokoll in the system
    "meetings.verify_archive": STAFF | {"revisor"},  # the check that every justerat protokoll is as stored
})
