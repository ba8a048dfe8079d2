"""What the staff of an office work with, as plain Python: profiles, PINs, duty, mediators.

The staff console and board (`kiosk.ui.staff`, `kiosk.ui.board`) and the `kiosk staff-admin`
command call this package; it never imports Textual.
"""
