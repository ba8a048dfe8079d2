"""Tickets on paper: rendered as an image (every script prints) and sent to an ESC/POS printer."""
