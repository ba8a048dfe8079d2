"""Visitors' rights and retention: redaction, Art. 15 export, Art. 17 erasure, the report.

Plain Python over the store (no Textual): the command line, the staff console and the
start-up of every app call these modules.
"""
