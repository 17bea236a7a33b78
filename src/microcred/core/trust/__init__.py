"""Trusted providers: the trust registry of accredited issuers (issue 5, "Trusted providers")."""
