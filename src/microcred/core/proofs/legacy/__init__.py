"""Legacy Data Integrity proof formats still found in OB 3.0 credentials: verified, never issued.

``Ed25519Signature2020`` (W3C CCG suite, claimed by proof ``type``) and ``eddsa-2022`` (the draft
name of ``eddsa-rdfc-2022``). Nothing is registered on import: call
:func:`~microcred.core.proofs.legacy.registration.register_legacy_suites`.
"""
