"""The published SDK's two-factor service works against our server unchanged: setup, the first code,
the status, a login that asks for a code and its second step (a code, then a backup code once), new
backup codes, the token gate and turning it off.

A Node script (``tests/sdk/two_factor_check.mjs``) drives the app served over real HTTP with the SDK's
own files (vendored under ``tests/sdk/hoody-sdk``) and computes the codes as an authenticator app does;
the checks are here. Node is required: without it this test fails rather than skips.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.live_server import served
from tests.users import PASSWORD

SCRIPT = Path(__file__).parent / "sdk" / "two_factor_check.mjs"


def run_sdk(base_url: str, **settings: str) -> dict:
    node = shutil.which("node")
    assert node, "Node.js (node) is needed to run the published SDK; install it (CI does: apt-get install nodejs)"
    environment = {**os.environ, "BASE_URL": base_url, **{name.upper(): value for name, value in settings.items()}}
    result = subprocess.run([node, str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_published_sdk_sets_up_two_factor_and_logs_in_with_a_code(app, make_user):
    alice = make_user("alice", alias="Alice")

    with served(app) as base_url:
        seen = run_sdk(base_url, token=alice.token, username="alice", password=PASSWORD)

    assert seen["statusBefore"]["data"] == {"enabled": False, "verified": False, "enabled_at": None,
                                            "backup_codes_remaining": 0, "require_for_tokens": False}
    setup = seen["setup"]["data"]
    assert setup["qr_code"].startswith("data:image/svg+xml;") and len(setup["backup_codes"]) == 10
    assert seen["wrongSetupCode"]["status"] == 401 and seen["wrongSetupCode"]["code"] == "TWO_FACTOR_REQUIRED"
    assert seen["verifySetup"]["message"] == "Two-factor login enabled"
    assert seen["verifySetup"]["data"]["enabled"] is True
    assert seen["statusAfter"]["data"]["enabled"] is True
    assert seen["statusAfter"]["data"]["backup_codes_remaining"] == 10

    assert seen["login"]["data"]["requires_2fa"] is True and seen["login"]["data"]["method"] == "totp"
    assert "token" not in seen["login"]["data"]
    assert seen["wrongCode"]["status"] == 401
    assert seen["verify"]["message"] == "Login successful"
    assert seen["verify"]["data"]["user"]["username"] == "alice"
    assert seen["me"]["data"]["enabled"] is True  # the token the second step gave works
    assert seen["backupVerify"]["data"]["user"]["username"] == "alice"
    assert seen["backupAgain"]["status"] == 401 and seen["backupAgain"]["code"] == "TWO_FACTOR_REQUIRED"

    assert len(seen["regenerate"]["data"]["backup_codes"]) == 10
    assert seen["tokenGate"]["data"]["require_for_tokens"] is True
    assert seen["disable"]["message"] == "Two-factor login disabled"
    assert seen["statusEnd"]["data"]["enabled"] is False
