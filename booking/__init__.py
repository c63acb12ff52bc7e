"""Booking the clarifying conversation: providers, slots, the 14-day guarantee (`guarantee`),
bookings and their states (`bookings` owns the `bookings` table), offers, booking for a case,
the `.ics` file and the intake queue. Knows the screening's cases only as plain values."""
