"""Demo data: realistic visits over past days, for trying the kiosk and for benchmarks."""
