"""Site keys, the admin's network key file, enrolment bundles and key rotation."""
