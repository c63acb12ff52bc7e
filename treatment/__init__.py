"""What follows the clarifying conversation: the municipality's decision (`decisions`), the
16-week course and its attendance rules (`courses`, `rules`), the provider's own visitation,
a provider's referrals, the monthly invoice basis (`invoice`), deleting a case without losing
its billable days (`closing`), when a decision may follow the conversation (`conversation`) and
what the citizen is told happened to it (`status`). `decisions` owns the `decisions` table,
`courses` the `courses`, `course_sessions` and `superseded_courses` tables, `invoice` the
`archived_invoice_lines` and `archived_invoice_parts` tables."""
