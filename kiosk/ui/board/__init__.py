"""The waiting-room board (`kiosk board`): called numbers and desks, never names."""
