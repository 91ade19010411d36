"""What every test's app would compile again, compiled once for the run.

Every test makes an app of its own. Left alone, each app compiles the ~210 URL rules' builders
(Python source generated, parsed and compiled: about 0.1 s an app) and every template it renders
(Jinja parses and compiles each on first use in an environment: about 0.1 s a test that renders
pages). Over a run of some 2,400 tests that is minutes.

- URL builders: a builder is a plain function of its rule's text, defaults and parts (it reaches
  the rule's converters through the rule it is bound to, at call time), so the same rule in the next
  app can take the function compiled for the last one.
- Templates: Jinja's own bytecode cache, kept in memory; Jinja keys it by template name and a
  checksum of the source, so a changed template is compiled again.
"""
from jinja2 import BytecodeCache
from werkzeug.routing.rules import Rule

_compile_builder = Rule._compile_builder
_builders: dict = {}


def _remembered_builder(rule: Rule, append_unknown: bool = True):
    key = (rule.rule, tuple(rule._trace), repr(rule.defaults), append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(rule, append_unknown)
    return builder


def remember_url_builders() -> None:
    Rule._compile_builder = _remembered_builder


class TemplatesInMemory(BytecodeCache):
    def __init__(self):
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = TemplatesInMemory()
