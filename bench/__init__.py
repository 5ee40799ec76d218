"""Benchmark of the ticket lists at 10k, 100k and 1M tickets (see README.md)."""
