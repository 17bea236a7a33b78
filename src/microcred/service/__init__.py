"""Use cases of the issuer service; they reach the outside only through ``ports``."""
