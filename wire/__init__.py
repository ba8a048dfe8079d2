"""The sync wire format, written once: what the kiosk and the sync server say to each other.

Both sides import this package and it imports neither of them (an import-linter contract in
pyproject.toml holds it to that); it depends only on ``cryptography`` and the standard library.
Modules: ``errors`` (one root error with stable codes), ``fields`` (canonical JSON, base64url,
checked fields), ``ids`` (network ids, office codes, writer ids, scopes), ``tree`` (Merkle
trees), ``envelope`` (sealing and opening records), ``trust`` (certificates, keyring entries),
``signing`` (signed HTTP requests), ``revocation`` (the root-signed revocation list),
``pull_page`` (the binary pull page), ``batch_verify`` (push signatures checked per tree).
"""
