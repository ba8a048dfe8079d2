"""The site's sync client: push the outbox, pull and merge what other sites wrote."""
