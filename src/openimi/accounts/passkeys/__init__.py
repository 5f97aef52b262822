"""Passkeys (WebAuthn): registered in My account, used at step 2 of the login instead of the
security code's characters. ``services`` writes (the ceremonies, through py_webauthn),
``selectors`` reads, ``views`` are the pages; the browser side is static/openimi/passkeys.mjs.
"""
