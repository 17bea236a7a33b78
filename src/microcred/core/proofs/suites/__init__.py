"""The EdDSA cryptosuites of VC-DI-EdDSA 1.0 (eddsa-rdfc-2022, eddsa-jcs-2022)."""
