"""Subcommands of `kiosk`, one module per area, each with `register(sub)`."""
