"""The published SDK's auth tokens service works against our server unchanged: the templates, creating a
read_only token, the calling token, a refusal for a broader one, listing, reading, updating, deleting.

A Node script (``tests/sdk/auth_tokens_check.mjs``) drives the app served over real HTTP with the SDK's own
files (vendored under ``tests/sdk/hoody-sdk``, see its README) and prints what each call answered; the
checks are here. Node is required: without it this test fails rather than skips.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.live_server import served

SCRIPT = Path(__file__).parent / "sdk" / "auth_tokens_check.mjs"


@pytest.fixture
def node() -> str:
    found = shutil.which("node")
    assert found, "Node.js (node) is needed to run the published SDK; install it (CI does: apt-get install nodejs)"
    return found


def test_the_published_sdk_manages_api_tokens(app, make_user, clock, node):
    owner = make_user("alice")
    with served(app) as base_url:
        environment = {**os.environ, "BASE_URL": base_url, "OWNER_TOKEN": owner.token}
        result = subprocess.run([node, str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)

    assert [template["name"] for template in seen["templates"]["data"]] == [
        "full_access", "read_only", "finance_team", "dev_team", "external_customer"]
    created = seen["created"]["data"]
    assert seen["created"]["statusCode"] == 201
    assert (created["alias"], created["ip_whitelist"], created["expires_at"], created["is_enabled"]) == (
        "SDK reader", ["*"], "2025-01-23T00:00:00.000Z", True)
    assert created["permissions"]["projects"]["read"] is True and created["permissions"]["projects"]["create"] is False
    me = seen["readerMe"]["data"]["token"]
    assert me["id"] == created["id"] and "token" not in me
    assert (seen["readerCreate"]["status"], seen["readerCreate"]["code"]) == (403, "TOKEN_PERMISSION_DENIED")
    assert created["id"] in [token["id"] for token in seen["list"]["data"]]
    assert all("token" not in token for token in seen["list"]["data"])
    assert seen["get"]["data"]["alias"] == "SDK reader"
    assert (seen["updated"]["data"]["alias"], seen["updated"]["data"]["is_enabled"]) == ("SDK reader (off)", False)
    assert seen["disabledMe"]["status"] == 401
    assert seen["deleted"]["statusCode"] == 200
    assert seen["afterDelete"]["status"] == 404
    assert created["id"] not in [token["id"] for token in seen["listAfter"]["data"]]
