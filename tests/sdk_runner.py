"""Running a Node script under tests/sdk/ that drives the app with the published SDK, and reading what it printed."""
import json
import os
import shutil
import subprocess
from pathlib import Path

SCRIPTS = Path(__file__).parent / "sdk"


def run_sdk(script: str, base_url: str, **tokens: str) -> dict:
    """Run ``tests/sdk/<script>`` with ``BASE_URL`` and each token (its name upper-cased) in its environment.
    Node is required: without it the test fails rather than skips."""
    node = shutil.which("node")
    assert node, "Node.js (node) is needed to run the published SDK; install it (CI does: apt-get install nodejs)"
    environment = {**os.environ, "BASE_URL": base_url, **{name.upper(): value for name, value in tokens.items()}}
    result = subprocess.run([node, str(SCRIPTS / script)], env=environment, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
