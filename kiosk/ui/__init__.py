"""The Textual faces of the kiosk (visitor, staff, board); the only package that imports Textual."""
