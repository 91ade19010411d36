"""The suite's own layout: what tests share lives in helper modules and fixtures, never in a test
module or a conftest that another module imports (pytest loads those itself, and an import would
run a second copy of them, with its own fixtures and test functions)."""
import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _is_test_or_conftest(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return module.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def imported_modules(path: Path) -> list[str]:
    """Every module ``path`` imports, by its full name; ``from tests import x`` counts as ``tests.x``."""
    modules = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module)
            modules += [f"{node.module}.{alias.name}" for alias in node.names]
    return modules


def test_no_module_of_the_suite_imports_a_test_module_or_a_conftest():
    offenders = [
        f"{path.relative_to(TESTS.parent)} imports {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for module in imported_modules(path)
        if _is_test_or_conftest(module)
    ]
    assert offenders == []


def test_the_check_sees_each_way_of_writing_such_an_import(tmp_path):
    written = tmp_path / "test_example.py"
    written.write_text("import tests.test_a\nfrom tests.test_b import x\nfrom tests import test_c, records\n"
                       "from tests.browser.conftest import y\nfrom tests.records import SEED_SERVER\n")
    assert [m for m in imported_modules(written) if _is_test_or_conftest(m)] == [
        "tests.test_a", "tests.test_b", "tests.test_c", "tests.browser.conftest"]
