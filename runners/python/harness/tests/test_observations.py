from ato_harness import observations as obs


def ret(value):
    return obs.returned(value, repr(value))


def boom(error):
    return obs.raised(error)


def test_returned_keeps_a_normalised_repr_and_the_source_when_it_round_trips():
    class Thing:
        pass

    plain = ret([1, 2])
    assert plain == {"kind": "returned", "value": "[1, 2]", "source": "[1, 2]"}
    thing = ret(Thing())
    assert "0x…" in thing["value"] and thing["source"] is None


def test_raised_records_type_message_and_whether_it_is_about_the_sandbox():
    value_error = boom(ValueError("negative"))
    assert value_error["error"] == "ValueError" and value_error["message"] == "negative"
    assert value_error["is_exception"] and not value_error["environmental"]
    assert boom(PermissionError("read-only"))["environmental"]
    assert boom(MemoryError())["environmental"]
    assert not boom(SystemExit(3))["is_exception"]


def test_raised_survives_an_exception_whose_str_fails():
    class Nasty(Exception):
        def __str__(self):
            raise RuntimeError("no")

    assert boom(Nasty())["message"] == "<str() failed>"


def test_same_compares_what_a_reviewer_sees():
    assert obs.same(ret(1), ret(1))
    assert not obs.same(ret(1), ret(2))
    assert not obs.same(ret(1), boom(ValueError("1")))
    assert obs.same(boom(ValueError("x")), boom(ValueError("x")))
    assert not obs.same(boom(ValueError("x")), boom(ValueError("y")))
    assert not obs.same(boom(ValueError("x")), boom(TypeError("x")))


def pair(a, b=None):
    return {"first": a, "second": b if b is not None else a}


def test_compare_calls_sorts_inputs_into_changed_agreed_nondeterministic_and_missing():
    base = {0: pair(ret(1)), 1: pair(ret(2)), 2: pair(ret(3), ret(4)), 3: pair(ret(5))}
    head = {0: pair(ret(1)), 1: pair(boom(ValueError("no"))), 2: pair(ret(3)), 4: pair(ret(6))}
    verdicts = obs.compare_calls(5, base, head)
    assert [v.status for v in verdicts] == ["agreed", "changed", "nondeterministic", "missing", "missing"]
    assert verdicts[1].base["value"] == "2" and verdicts[1].head["error"] == "ValueError"


def test_nondeterminism_on_the_head_side_alone_is_enough():
    verdicts = obs.compare_calls(1, {0: pair(ret(1))}, {0: pair(ret(1), ret(9))})
    assert verdicts[0].status == "nondeterministic"


def test_long_results_are_compared_but_not_pinned():
    long = ret(list(range(1000)))
    assert long["source"] is None
    assert long["value"].startswith("[0, 1, 2")
