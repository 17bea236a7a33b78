"""Ed25519 keys: Multikey codecs, key pairs, signers, verification (W3C CID 1.0 §2.2.2)."""
