"""User administration by an authority's local data administrators (seed 6.1 and 6.2).

Administration → Manage users: the list of the authority's users, adding a user (the user
name is made from the names; the temporary password follows by e-mail after
``settings.TEMPORARY_PASSWORD_DELAY``), changing details and roles, resetting a password,
deleting a user, and the printable user details. Writes are in ``services.py``, reads in
``selectors.py``; the permission rows are ``users.manage`` and ``users.change`` in
``access/policy.py``.
"""
