import inspect

from ato_harness import inputs


def sig(func):
    return inspect.signature(func)


def typed(a: int, b: str, *rest, flag: bool = False, **options) -> str:
    return ""


def untyped(x, y=3, *, z):
    return x


def positional_only(a, b=1, /, c=2):
    return a


def test_parameters_say_how_each_argument_is_passed():
    params = inputs.parameters_of(sig(typed), {"a": int, "b": str, "flag": bool})
    assert [(p.name, p.passing, p.has_default, p.has_hint) for p in params] == [
        ("a", "positional", False, True),
        ("b", "positional", False, True),
        ("flag", "keyword", True, True),
    ]
    params = inputs.parameters_of(sig(untyped), {})
    assert [(p.name, p.passing, p.has_default) for p in params] == [
        ("x", "positional", False),
        ("y", "keyword", True),
        ("z", "keyword", False),
    ]


def test_positional_only_parameters_are_never_left_out():
    params = inputs.parameters_of(sig(positional_only), {})
    assert [(p.name, p.passing, p.has_default) for p in params] == [
        ("a", "positional", False),
        ("b", "positional", False),
        ("c", "keyword", True),
    ]


def test_same_seed_same_inputs_and_another_seed_other_inputs():
    params = inputs.parameters_of(sig(typed), {"a": int, "b": str, "flag": bool})
    first = inputs.draw_inputs(params, 42, 20)
    again = inputs.draw_inputs(params, 42, 20)
    other = inputs.draw_inputs(params, 43, 20)
    assert first == again
    assert first != other
    assert 1 < len(first) <= 20
    assert len(set(first)) == len(first)


def test_inputs_are_source_text_that_binds_to_the_signature():
    params = inputs.parameters_of(sig(untyped), {})
    drawn = inputs.draw_inputs(params, 7, 30)
    assert drawn
    for item in drawn:
        call = item.source("untyped")
        assert call.startswith("untyped(")
        args = [eval(a) for a in item.args]  # noqa: S307 - pool values only
        kwargs = {k: eval(v) for k, v in item.kwargs}  # noqa: S307
        sig(untyped).bind(*args, **kwargs)  # raises TypeError if the call would not bind
    assert any(("y" in dict(i.kwargs)) for i in drawn)
    assert any(("y" not in dict(i.kwargs)) for i in drawn)


def test_untyped_parameters_use_the_value_pool():
    params = inputs.parameters_of(sig(untyped), {})
    drawn = inputs.draw_inputs(params, 1, 30)
    pool_sources = {repr(v) if not isinstance(v, (list, dict, tuple)) else None for v in inputs.VALUE_POOL}
    firsts = {item.args[0] for item in drawn}
    assert firsts & pool_sources


def test_a_function_without_parameters_gets_one_empty_call():
    assert inputs.draw_inputs([], 1, 30) == [inputs.CallInput((), ())]


def test_select_inputs_drops_values_without_a_source_and_duplicates():
    params = inputs.parameters_of(sig(untyped), {})
    drawn = [(1, inputs.OMIT, 2), (object(), 1, 1), (1, inputs.OMIT, 2), (3, 4, 5)]
    selected = inputs.select_inputs(params, drawn, 10)
    assert selected == [
        inputs.CallInput(("1",), (("z", "2"),)),
        inputs.CallInput(("3",), (("y", "4"), ("z", "5"))),
    ]


def test_symbol_seed_is_stable_and_differs_per_symbol():
    assert inputs.symbol_seed(1, "add") == inputs.symbol_seed(1, "add")
    assert inputs.symbol_seed(1, "add") != inputs.symbol_seed(1, "sub")
    assert inputs.symbol_seed(1, "add") != inputs.symbol_seed(2, "add")


def test_an_unresolvable_hint_is_reported_not_raised():
    class Opaque:
        def __init__(self, handle):
            raise RuntimeError("cannot build")

    params = inputs.parameters_of(sig(lambda o: o), {"o": Opaque})
    try:
        drawn = inputs.draw_inputs(params, 3, 5)
    except inputs.NoInputs as err:
        assert str(err)
    else:
        assert drawn == []  # nothing plain could be drawn
