"""The course after a granted decision: sessions, self-visitation, invoice basis, statistics and
deletion on schedule. Pure Python, no Flask: functions take a `sqlite_utils.Database` and plain
values and raise named exceptions."""
