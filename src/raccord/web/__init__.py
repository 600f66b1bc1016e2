"""The local web workspace (``raccord serve``): Starlette over the same library and records.

``app.create_app`` builds the application; ``accounts`` keeps logins (argon2 hashes). Everything a
page shows comes from ``store.records`` (scoped to the logged-in therapist), ``history`` and the
report's ``SessionView``; nothing here analyses text itself.
"""
