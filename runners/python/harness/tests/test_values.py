import math

import pytest

from ato_harness import values


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -12,
        10**40,
        0.1,
        -0.0,
        "",
        "quote ' and \" and \n",
        b"\x00ab",
        [],
        [1, [2, (3,)]],
        (),
        (1,),
        {"a": [1, 2], 3: None},
        set(),
        {3, 1, 2},
        frozenset(),
        frozenset({"x"}),
        float("inf"),
        float("-inf"),
    ],
)
def test_plain_values_round_trip_through_their_source(value):
    source = values.to_source(value)
    assert source is not None
    rebuilt = values.eval_source(source)
    assert rebuilt == value
    assert type(rebuilt) is type(value)
    parsed = values.literal_value(source)
    assert parsed == value and type(parsed) is type(value)
    assert values.to_source(parsed) == source


def test_nan_has_a_source_but_does_not_round_trip_as_equal():
    source = values.to_source(float("nan"))
    assert source == "float('nan')"
    assert math.isnan(values.eval_source(source))
    assert values.round_trips(float("nan")) is None


class Point:
    def __init__(self, x):
        self.x = x


class MyList(list):
    pass


@pytest.mark.parametrize("value", [Point(1), [Point(1)], {"k": Point(2)}, MyList([1]), object(), print])
def test_values_that_are_not_plain_data_have_no_source(value):
    assert values.to_source(value) is None
    assert values.round_trips(value) is None


def test_sets_have_a_stable_source_whatever_their_iteration_order():
    assert values.to_source({"b", "a", "c"}) == "{'a', 'b', 'c'}"


def test_deeply_nested_values_are_refused_instead_of_recursing_forever():
    nested: list = []
    for _ in range(100):
        nested = [nested]
    assert values.to_source(nested) is None


def test_eval_source_refuses_names_outside_its_tiny_namespace():
    with pytest.raises(NameError):
        values.eval_source("__import__('os')")
    with pytest.raises(NameError):
        values.eval_source("open('/etc/passwd')")


def test_literal_value_parses_what_to_source_writes_and_nothing_else():
    assert math.isnan(values.literal_value("float('nan')"))
    assert values.literal_value("[-1, -0.5, (b'', None)]") == [-1, -0.5, (b"", None)]
    assert str(values.literal_value("-0.0")) == "-0.0"
    refused = [
        "__import__('os')",
        "().__class__.__bases__",
        "open('/etc/passwd')",
        "float('1e3')",
        "frozenset([1])",
        "{**x}",
        "{[1]: 2}",
        "1 + 2",
        "1j",
        "-'a'",
        "[" * 200 + "]" * 200,
        "(",
    ]
    for source in refused:
        with pytest.raises(ValueError):
            values.literal_value(source)


def test_normalize_repr_hides_memory_addresses():
    text = "<pkg.Foo object at 0x7f3a9c0d1e50> and <function f at 0xDEADbeef>"
    assert values.normalize_repr(text) == "<pkg.Foo object at 0x…> and <function f at 0x…>"
    assert values.normalize_repr("plain 0x10") == "plain 0x10"


def test_call_and_callee_sources():
    assert values.call_source("add", ["1", "-2"], []) == "add(1, -2)"
    assert values.call_source("f", ["'a'"], [("sep", "','")]) == "f('a', sep=',')"
    assert values.callee_source("add", "function") == "add"
    assert values.callee_source("Stack.push", "method") == "Stack().push"
    assert values.callee_source("Outer.Inner.run", "method", "m.") == "m.Outer.Inner().run"


def test_every_pool_value_round_trips():
    for value in values.VALUE_POOL:
        assert values.round_trips(value) is not None, value
