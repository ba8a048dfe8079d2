"""The staff console (`kiosk staff`): Textual screens over `kiosk.staffing` and the queue core."""
