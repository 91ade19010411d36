"""The documentation's shell examples run as written, in order, against a fresh demo, and its links
between pages lead somewhere.

A reader starts ``scripts/demo`` and pastes the blocks one after another; this test does the same:
it serves the app on a free port over a database filled by ``seed-demo``, joins every ``sh`` block
of the documents below into one bash script, points ``BASE`` at the port and runs it. Any failing
command fails the test, and so does any API answer that is not a success (every ``curl`` gets
``--fail-with-body``), so an example that needs an id or a value must fetch it.
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.live_server import served

ROOT = Path(__file__).resolve().parents[1]

# In reading order: the README, then the pages of docs/ whose examples carry on where it stops (the
# API walkthrough, then the command line, which imports servers into the same demo; provisioning uses the
# walkthrough's helpers).
DOCUMENTS = ["README.md", "docs/API.md", "docs/CLI.md", "docs/DEPLOYING.md", "docs/TESTING.md", "docs/PROVISIONING.md"]
# Documents with shell blocks that are not examples to run here, and why.
NOT_RUN = {"docs/PERFORMANCE.md": "its benchmarks build 100,000 servers and take minutes"}

SHELL_BLOCK = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Blocks that start the demo, the test suite or a production server and never return; the demo is
# what this test stands in for, and the others are not examples to run against it.
LONG_RUNNING = re.compile(r"(?:^|[\s;&|(])(?:scripts/demo|scripts/test|\S*gunicorn)\b")

PRELUDE = """\
set -eEuo pipefail
trap 'echo "failed: $BASH_COMMAND" >&2' ERR
curl() { command curl --fail-with-body --show-error "$@"; }
"""


def shell_blocks() -> list[tuple[str, str]]:
    """(where, code) of every shell block in DOCUMENTS, in order; ``where`` is ``file:line``."""
    blocks = []
    for document in DOCUMENTS:
        text = (ROOT / document).read_text()
        for match in SHELL_BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            blocks.append((f"{document}:{line}", match.group(1)))
    return blocks


def starts_something_long_running(code: str) -> bool:
    commands = (line.split("#", 1)[0] for line in code.splitlines())
    return any(LONG_RUNNING.search(command) for command in commands)


@pytest.fixture
def demo_server(app, runner):
    """The app over a database filled by seed-demo, on 127.0.0.1 and a free port."""
    seeded = runner.invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    with served(app) as address:
        yield address


def test_every_shell_example_runs_in_order_on_a_fresh_demo(demo_server, database_url, tmp_path):
    blocks = shell_blocks()
    examples = [(where, code) for where, code in blocks if not starts_something_long_running(code)]
    assert len(examples) >= 3, blocks  # the API tour at least; an empty run would prove nothing
    script = PRELUDE + "\n".join(f"# --- {where}\n{code}" for where, code in examples)
    environment = {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path), "APP_ENV": "development",
        "BASE": demo_server,
        # The command-line examples reach the database the served app uses, as on a demo machine.
        "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "instance"), "LOG_LEVEL": "WARNING",
    }

    finished = subprocess.run(["bash", "-c", script], cwd=ROOT, env=environment,
                              capture_output=True, text=True, timeout=60)

    assert finished.returncode == 0, (
        f"exit {finished.returncode}\n--- stderr\n{finished.stderr[-4000:]}\n--- stdout\n{finished.stdout[-4000:]}")


def all_documents() -> list[str]:
    return ["README.md"] + [str(path.relative_to(ROOT)) for path in sorted((ROOT / "docs").glob("*.md"))]


def test_every_document_with_shell_examples_is_run():
    with_examples = {document for document in all_documents() if SHELL_BLOCK.search((ROOT / document).read_text())}
    assert with_examples - set(DOCUMENTS) - set(NOT_RUN) == set()


MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)
CODE_BLOCK = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def prose(document: Path) -> str:
    """The document without its code blocks, whose ``#`` lines are comments, not headings."""
    return CODE_BLOCK.sub("", document.read_text())


def anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_between_the_documents_leads_somewhere():
    broken = []
    for document in all_documents():
        source = ROOT / document
        for target in MARKDOWN_LINK.findall(prose(source)):
            if re.match(r"[a-z]+:", target):  # http(s) and mailto: outside the project
                continue
            path, _, fragment = target.partition("#")
            linked = (source.parent / path).resolve() if path else source
            if not linked.exists():
                broken.append(f"{document}: {target} (no such file)")
            elif fragment and linked.suffix == ".md" and fragment not in {
                    anchor(heading) for heading in HEADING.findall(prose(linked))}:
                broken.append(f"{document}: {target} (no such heading)")
    assert broken == []

