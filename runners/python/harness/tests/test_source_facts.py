import ast

from ato_harness.source_facts import count_examples, find_definition, symbol_facts

SOURCE = '''
import sys


def add(a: int, b: int) -> int:
    """Add.

    >>> add(1, 2)
    3
    >>> add(0, 0)
    0
    """
    return a + b


def loose(a, b: int = 1):
    return a


async def fetch(url: str) -> str:
    return url


class Stack:
    """A stack."""

    def push(self, x: int) -> int:
        return x

    @staticmethod
    def make(n):
        return Stack()

    class Inner:
        def run(self):
            """
            >>> 1 + 1
            2
            """


if sys.version_info >= (3, 8):
    def late(x: int) -> int:
        return x
'''

TREE = ast.parse(SOURCE)


def test_find_definition_walks_classes_and_conditionals():
    assert find_definition(TREE, "add").name == "add"
    assert find_definition(TREE, "Stack.Inner.run").name == "run"
    assert find_definition(TREE, "late").name == "late"
    assert find_definition(TREE, "Stack.pop") is None
    assert find_definition(TREE, "nothing") is None


def test_examples_are_counted_per_docstring():
    assert symbol_facts(TREE, "add", False).doctest_examples == 2
    assert symbol_facts(TREE, "Stack.Inner.run", True).doctest_examples == 1
    assert symbol_facts(TREE, "Stack", False).doctest_examples == 0
    assert count_examples(None) == 0


def test_type_hint_completeness_ignores_self():
    assert symbol_facts(TREE, "add", False).fully_hinted
    loose = symbol_facts(TREE, "loose", False)
    assert not loose.fully_hinted and loose.missing_hints == ("a",)
    assert symbol_facts(TREE, "Stack.push", True).fully_hinted
    make = symbol_facts(TREE, "Stack.make", True)
    assert make.missing_hints == ("n",)


def test_async_and_missing_symbols():
    assert symbol_facts(TREE, "fetch", False).is_async
    assert not symbol_facts(TREE, "gone", False).found
    assert not symbol_facts(TREE, "Stack", False).is_function
