"""The screening: question catalogue, ASI composites, eligibility, chat turns, FAQ and crisis
matching, codes, and cases (`cases` owns the `cases` table). Knows nothing of booking."""
