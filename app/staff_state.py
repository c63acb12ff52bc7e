"""What a staff member's (server-side, sealed) session holds, under named keys.

The same session mechanism as a citizen's (app/sessions.py), but none of these keys is ever set
in a citizen's session, and signing in starts a fresh session (a new cookie id) either way.
"""

STAFF_USERNAME = "staff_username"  # the signed-in account
STAFF_SIGNED_IN_AT = "staff_signed_in_at"  # UTC ISO; a later password reset or disabling ends it
STAFF_SEEN_AT = "staff_seen_at"  # UTC ISO of the last staff request, for the idle timeout
TOTP_PENDING = "staff_totp_pending"  # {"username", "since", "next"}: password right, code to come
TOTP_SETUP = "staff_totp_setup"  # the secret being set up, until a code confirms it
