"""Two-factor login as a test drives it: codes computed the way an authenticator app computes them
(pyotp), and an account set up with two-factor on through the API."""
from dataclasses import dataclass
from datetime import datetime

import pyotp

from tests.users import PASSWORD


def code_at(secret: str, moment: datetime) -> str:
    """What an authenticator app holding ``secret`` shows at ``moment``."""
    return pyotp.TOTP(secret).at(moment)


@dataclass
class TwoFactor:
    secret: str
    backup_codes: list[str]


def turn_on(api, person, clock) -> TwoFactor:
    """Set up and confirm two-factor login for ``person`` through the API, then move the clock to the next
    time step, so the next code a test computes is a new one."""
    setup = api.post("/users/auth/2fa/setup", as_=person, json={"password": PASSWORD})
    assert setup.status_code == 200, setup.json
    data = setup.json["data"]
    confirmed = api.post("/users/auth/2fa/verify-setup", as_=person,
                         json={"code": code_at(data["manual_entry_key"], clock.now)})
    assert confirmed.status_code == 200, confirmed.json
    clock.advance(seconds=30)
    return TwoFactor(data["manual_entry_key"], data["backup_codes"])


