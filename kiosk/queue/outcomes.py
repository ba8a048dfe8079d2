"""How a visit can end: the one list of outcome codes.

The queue validates against it, the staff console offers it, the demo seed draws from it and
the data export labels it; each of those imports this tuple instead of spelling the codes
again, so a new outcome is added here once (and then gets a label where the others ask).
"""

from __future__ import annotations

from typing import Final

RESOLVED: Final = "resolved"
REFERRED: Final = "referred"
"""Needs a referral id from the configuration."""
FOLLOW_UP: Final = "follow_up"
"""Staff then book the follow-up appointment."""
OTHER: Final = "other"
"""Explained in the visit's note."""

OUTCOMES: Final[tuple[str, ...]] = (RESOLVED, REFERRED, FOLLOW_UP, OTHER)
"""Every outcome code, in the order the staff console offers them."""
