"""DID methods (did:key, did:web) and verification-method resolution (W3C CID 1.0 §3.3)."""
