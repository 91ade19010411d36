"""Every test makes an app of its own, and Werkzeug compiles two URL builders for each of its ~210
rules: Python source generated, parsed and compiled, about 0.1 s an app, several minutes over a run.

A builder is a plain function of the rule's text, its defaults and its parts (it reaches the rule's
converters through the rule it is bound to, at call time), so the same rule in the next test's app
can take the function compiled for the last one. This keeps them, for the test run only.
"""
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
