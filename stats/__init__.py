"""Anonymous monthly statistics that outlive every case, shown with small counts suppressed
(`monthly` owns the `statistics_events` table)."""
