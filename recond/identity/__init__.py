"""Who may sign in, and as whom: organisations and their people, invitations and password
resets (single-use links), the password rule, the login guard, sign-in and sessions that end,
two-factor sign-in, API tokens, the append-only security log, and the notices e-mailed to a
structure's people."""
