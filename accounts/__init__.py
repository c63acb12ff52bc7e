"""Staff accounts (roles, argon2 passwords, lockout, TOTP) and the audit log. Pure Python, no
Flask: `accounts` owns the `accounts` table and `audit` the `audit` table."""
