"""Deletion on schedule and the hourly job that keeps stored states true: it brings courses up
to date, releases expired holds, rechecks the treatment guarantee of waiting cases and deletes
cases past their retention. Uses every domain package; none uses it. `jobs` owns the
`maintenance` table."""
