"""Reading a database file as a copy of it would be read: every sealed value, without the app."""

import sqlite3

#: Every sealed column: (table, column).
SEALED = (("cases", "screening"), ("sessions", "data"), ("accounts", "totp_secret"), ("bookings", "decline_note"),
          ("decisions", "change_reason"))


def sealed_values(path) -> list[str]:
    """Every sealed value stored in the file at `path`."""
    conn = sqlite3.connect(path)
    try:
        return [value for table, column in SEALED
                for (value,) in conn.execute(f"select {column} from {table} where {column} is not null")]
    finally:
        conn.close()
