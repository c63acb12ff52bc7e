"""What every package may use and none owns: the clock and time zones, and the marker for text
that the web layer translates. Imports nothing of the project."""
