"""Every key a (server-side, sealed) session may hold, in one place.

A citizen's keys and a staff member's are never set in the same session: signing in starts a
fresh session (a new cookie id) either way.
"""

# Both audiences
LANGUAGE = "language"  # the chosen language, once the person has acted (a POST)

# The citizen
CHAT = "chat"  # the screening in progress (app/screening_flow.py)
CASE_ID = "case_id"  # the case reached with a code in this session
NEW_CODE = "new_code"  # the code just created, until the person has typed back its end
CRISIS_NOTICE = "crisis_notice"  # show emergency help on the next page (a yes to P9/P10)

# Staff
STAFF_USERNAME = "staff_username"  # the signed-in account
STAFF_SIGNED_IN_AT = "staff_signed_in_at"  # UTC stamp of signing in
STAFF_CREDENTIALS = "staff_credentials"  # the account's credentials_version at sign-in
STAFF_SEEN_AT = "staff_seen_at"  # UTC stamp of the last staff request, for the idle timeout
TOTP_PENDING = "staff_totp_pending"  # {"username", "since", "next"}: password right, code to come
TOTP_SETUP = "staff_totp_setup"  # the secret being set up, until a code confirms it
PHONE_INTAKE = "phone_intake"  # a screening staff run for a caller
PHONE_CODE = "phone_code"  # the new code and referral number, until staff have read it aloud
OIDC_NEXT = "staff_oidc_next"  # where to go after signing in through the identity provider
OIDC_ID_TOKEN = "staff_oidc_id_token"  # the provider's ID token, kept only for signing out there (RP-initiated logout)
