"""The published SDK's auth tokens service works against our server unchanged: the templates, creating a
read_only token, the calling token, a refusal for a broader one, listing, reading, updating, deleting.

A Node script (``tests/sdk/auth_tokens_check.mjs``) drives the app served over real HTTP with the SDK's own
files (vendored under ``tests/sdk/hoody-sdk``, see its README) and prints what each call answered; the
checks are here. Node is required: without it this test fails rather than skips.
"""
from tests.live_server import served
from tests.sdk_runner import run_sdk


def test_the_published_sdk_manages_api_tokens(app, make_user, clock):
    owner = make_user("alice")
    with served(app) as base_url:
        seen = run_sdk("auth_tokens_check.mjs", base_url, owner_token=owner.token)

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
