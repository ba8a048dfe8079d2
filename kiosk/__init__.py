"""Check-in kiosk for the lokal willkommen offices: store, queue, screens, sync client."""

__version__ = "0.1.0"
