"""The database: opening a connection with its pragmas, the schema's migrations, one re-entrant
transaction helper, one time-stamp format, and sealing (encryption at rest).

Every other package uses it; it imports none of them. Which module writes which table is
listed in `store.owners` and checked by a test.
"""
