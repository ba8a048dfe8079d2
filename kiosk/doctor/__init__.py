"""`kiosk doctor`: checks of an installation, each a plain function returning findings.

Nothing here writes to the store or imports Textual; the system trees it reads (``/sys``,
``/proc``, ``/run``) are found under a ``root`` parameter so that tests and rescue systems
can point it at another tree.
"""
