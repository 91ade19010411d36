"""The test suite. Its helper modules (fixtures aside, what the test modules share) assert too:
rewritten like the test modules, a failing check in one of them shows the values it compared."""
import pytest

pytest.register_assert_rewrite("tests.html_tree", "tests.ledger", "tests.snapshots", "tests.web_helpers")
