"""Proofs: Data Integrity 1.0 with EdDSA cryptosuites, and VC-JWT (VC-JOSE-COSE, OB 3.0 §8.2)."""
