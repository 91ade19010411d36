"""What every test user has in common: the password the ``make_user`` fixture gives them, and a
password hash fast enough for a suite that makes hundreds of users."""

PASSWORD = "correct-horse-battery"
FAST_PASSWORD_HASH = "pbkdf2:sha256:1000"  # the real default (scrypt) costs ~50 ms a user
