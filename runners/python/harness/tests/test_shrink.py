"""Candidate generation and the shrinking loop, with a fake observer in place of the child processes."""

import math
from pathlib import Path

import pytest
from ato_runner.manifest import Manifest
from hypothesis import given, settings
from hypothesis import strategies as st

from ato_harness.characterize import (
    MAX_CHANGES_PER_SYMBOL,
    MAX_SHRINK_ROUNDS,
    SHRINK_SHARE,
    PlannedCall,
    characterize,
)
from ato_harness.locate import ModuleLocation
from ato_harness.processes import Finished
from ato_harness.shrink import (
    MAX_CANDIDATES_PER_CALL,
    Change,
    candidate_calls,
    shrink,
    simpler_sources,
    simpler_values,
    simplicity,
)
from ato_harness.values import literal_value, to_source


def call(*args, **kwargs):
    return PlannedCall("f", "function", tuple(args), tuple(kwargs.items()))


def sources(calls):
    return [c.source() for c in calls]


def test_ints_go_toward_zero_round_numbers_and_smaller_steps():
    found = simpler_values(15173)
    for wanted in (0, 1, -1, -15173, 7586, 118, 15172, 15141, 15000, 10000, 100):
        assert wanted in found
    assert all(abs(v) <= 15173 for v in found)
    assert simpler_values(-40)[:4] == [0, 1, -1, 40]
    assert -20 in simpler_values(-40) and -39 in simpler_values(-40)


def test_floats_try_the_simple_ones_then_rounded_truncated_and_halved():
    found = simpler_values(-1.15)
    for wanted in (0.0, 1.0, -1.0, 1.15, -0.575, -1.1):
        assert wanted in found
    assert 15173.0 in simpler_values(15173.25) and 118.0 in simpler_values(15173.25)
    for odd in (math.nan, math.inf, -math.inf):
        assert simpler_values(odd) == [0.0, 1.0, -1.0]
    assert simpler_values(1e300)[:3] == [0.0, 1.0, -1.0]  # huge: no integer steps, but no error either


def test_text_gets_empty_a_prefix_one_char_and_one_char_fewer_or_plainer():
    found = simpler_values("x\U0001f600yz")
    for wanted in ("", "x", "a", "x\U0001f600", "\U0001f600yz", "xyz", "xayz"):
        assert wanted in found
    assert set(simpler_values(b"\x00b")) == {b"", b"\x00", b"a", b"b", b"ab", b"\x00a"}


def test_containers_get_empty_fewer_elements_and_simpler_elements():
    found = simpler_values([3, "abc", [7]])
    for wanted in ([], [3], ["abc", [7]], [3, [7]], [0, "abc", [7]], [3, "", [7]], [3, "abc", []]):
        assert wanted in found
    assert all(type(v) is tuple for v in simpler_values((1, 2)))
    assert () in simpler_values((1, 2)) and (0, 2) in simpler_values((1, 2))
    assert {} in simpler_values({"k": 5, "j": 6}) and {"k": 0, "j": 6} in simpler_values({"k": 5, "j": 6})
    assert {"j": 6} in simpler_values({"k": 5, "j": 6})
    assert set(map(frozenset, simpler_values({1, 2, 3}))) >= {frozenset(), frozenset({1, 2}), frozenset({2, 3})}
    assert all(type(v) is frozenset for v in simpler_values(frozenset({"a"})))


def test_bool_goes_to_false_and_none_stays():
    assert simpler_values(True) == [False]
    assert simpler_values(False) == []
    assert simpler_values(None) == []


def test_simpler_sources_replay_are_distinct_sorted_and_exclude_the_original():
    found = simpler_sources("[3, 'abc', (1.5, None)]")
    assert found == sorted(set(found), key=simplicity)
    assert "[3, 'abc', (1.5, None)]" not in found
    assert found[0] == "[]"
    for source in found:
        assert to_source(literal_value(source)) == source


@pytest.mark.parametrize("source", ["x", "().__class__", "f(1)", "1 +", "[1, 2"])
def test_sources_that_are_not_plain_data_have_no_candidates(source):
    assert simpler_sources(source) == []


def test_candidate_calls_change_one_argument_and_are_strictly_simpler_simplest_first():
    start = call("-1.1", "15173")
    found = candidate_calls(start)
    assert sources(found) == sorted(sources(found), key=simplicity)
    assert all(simplicity(c.source()) < simplicity(start.source()) for c in found)
    assert all((c.args[0] == "-1.1") != (c.args[1] == "15173") for c in found)
    assert {"f(-1.1, 0)", "f(-1.1, 118)", "f(-1.1, 15000)", "f(0.0, 15173)"} <= set(sources(found))
    assert "f(-1.1, -15173)" not in sources(found)  # longer: not simpler


def test_candidate_calls_may_leave_a_keyword_argument_out():
    found = sources(candidate_calls(call("2", times="30")))
    assert "f(2)" in found and "f(2, times=0)" in found and "f(0, times=30)" in found


def test_candidate_calls_are_bounded_and_the_simplest_call_has_none():
    big = call(repr(list(range(100))), repr("x" * 300), str(2**200))
    assert 0 < len(candidate_calls(big)) <= MAX_CANDIDATES_PER_CALL
    assert candidate_calls(call("0", "''", "None", "False", "[]")) == []
    assert candidate_calls(PlannedCall("f", "function", (), ())) == []


PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.binary(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
        | st.frozensets(st.integers(), max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(PLAIN, max_size=3), st.dictionaries(st.sampled_from(["a", "bb"]), PLAIN, max_size=2))
def test_every_candidate_replays_exactly_and_is_strictly_simpler(args, kwargs):
    start = call(*map(to_source, args), **{k: to_source(v) for k, v in kwargs.items()})
    for candidate in candidate_calls(start):
        assert simplicity(candidate.source()) < simplicity(start.source())
        for source in list(candidate.args) + [v for _, v in candidate.kwargs]:
            assert to_source(literal_value(source)) == source


def returned(text):
    return {"kind": "returned", "value": text, "source": text}


def fake_observer(differs, rounds, base_result=lambda *a: "base"):
    """Observe calls of ``f`` by evaluating ``differs`` on their arguments; counts the rounds in ``rounds``."""

    def observe_round(calls):
        rounds.append(len(calls))
        base, head = {}, {}
        for i, c in enumerate(calls):
            args = [literal_value(a) for a in c.args]
            b = returned(base_result(*args))
            h = returned("head") if differs(*args) else b
            base[i] = {"first": b, "second": b}
            head[i] = {"first": h, "second": h}
        return base, head

    return observe_round


def start_change(c):
    return Change(c, returned("base"), returned("head"))


def test_a_threshold_is_shrunk_to_the_smallest_value_above_it():
    rounds = []
    [end] = shrink([start_change(call("-1.1", "15173"))], fake_observer(lambda p, n: n > 100, rounds), 10)
    assert end.call.source() == "f(0.0, 101)"
    assert end.base == returned("base") and end.head == returned("head")
    assert len(rounds) <= 6


def test_shrinking_keeps_what_it_found_when_rounds_or_time_run_out():
    rounds = []
    [end] = shrink([start_change(call("-1.1", "15173"))], fake_observer(lambda p, n: n > 100, rounds), 1)
    assert len(rounds) == 1 and end.call.source() == "f(-1.1, 118)"
    [same] = shrink([start_change(call("-1.1", "15173"))], lambda calls: None, 5)
    assert same.call.source() == "f(-1.1, 15173)"


def test_several_calls_are_shrunk_together_one_observation_per_round():
    rounds = []
    starts = [start_change(call("[5, -3, 900]")), start_change(call("'hello world'", flag="True"))]

    def differs(value, **_):
        return (isinstance(value, list) and any(x < 0 for x in value)) or (isinstance(value, str) and "o" in value)

    ends = shrink(starts, fake_observer(differs, rounds), 10)
    assert [e.call.source() for e in ends] == ["f([-1])", "f('o')"]
    assert len(rounds) <= 10


def test_only_deterministic_differences_count():
    def observe_round(calls):
        flaky = {"first": returned("1"), "second": returned("2")}
        steady = {"first": returned("1"), "second": returned("1")}
        return {i: steady for i in range(len(calls))}, {i: flaky for i in range(len(calls))}

    start = start_change(call("15173"))
    assert shrink([start], observe_round, 5) == [start]


def test_a_call_that_agrees_is_never_chosen():
    rounds = []
    # Differs for odd numbers only: 0 and 1 are candidates, only 1 differs.
    [end] = shrink([start_change(call("777"))], fake_observer(lambda n: n % 2 == 1, rounds), 10)
    assert end.call.source() == "f(1)"


# characterize with a fake workspace: the children's answers are computed here from the call sources.


class FakeWorkspace:
    """Answers ``run_child("observe", ...)`` with ``behave(side, symbol, *args)``; ``fail_from`` makes the
    children from that one on (counting from 0) time out without answering."""

    def __init__(self, behave, fail_from=None):
        self.base, self.head = Path("base"), Path("head")
        self.behave, self.fail_from, self.requests = behave, fail_from, []

    def run_child(self, mode, request, cwd, timeout):
        assert mode == "observe"
        self.requests.append((cwd.name, len(request["calls"]), timeout))
        if self.fail_from is not None and len(self.requests) > self.fail_from:
            return [{"event": "started"}], Finished(None, True, None, "", "", timeout)
        events = [{"event": "imported"}]
        for index, c in enumerate(request["calls"]):
            args = [literal_value(a) for a in c["args"]]
            obs = returned(repr(self.behave(cwd.name, c["symbol"], *args)))
            events.append({"event": "call", "index": index, "first": obs, "second": obs})
        return events, Finished(0, False, None, "", "", 0.1)


def capped_at_100(side, symbol, n):
    return n if side == "base" else min(n, 100)


LOCATION = ModuleLocation("calc", ("",))


def run_characterize(ws, drawn, symbol="f"):
    manifest = Manifest()
    calls = [PlannedCall(symbol, "function", (str(n),), ()) for n in drawn]
    characterize(ws, manifest, "calc.py", LOCATION, LOCATION, calls, 40)
    return manifest


def test_the_shrunk_call_comes_first_then_the_drawn_ones_without_repeats():
    ws = FakeWorkspace(capped_at_100)
    # f(118) is the first of the simplest drawn calls; shrinking it gives f(101), which was drawn too.
    manifest = run_characterize(ws, [118, 5, 101, 15173])
    inputs = [c["input"] for c in manifest.behaviour_changes]
    assert inputs == ["f(101)", "f(118)", "f(15173)"]
    assert manifest.behaviour_changes[0]["base"] == {"kind": "returned", "value": "101"}
    assert manifest.behaviour_changes[0]["head"] == {"kind": "returned", "value": "100"}
    # The characterization (two children), then rounds of two children each; every round under the share.
    assert len(ws.requests) % 2 == 0 and 4 <= len(ws.requests) <= 2 + 2 * MAX_SHRINK_ROUNDS
    assert all(timeout <= 40 * SHRINK_SHARE for _, _, timeout in ws.requests[2:])
    assert manifest.problems == []


def test_the_cap_per_symbol_still_holds_and_counts_the_shrunk_call():
    manifest = run_characterize(FakeWorkspace(capped_at_100), range(1000, 1000 + MAX_CHANGES_PER_SYMBOL))
    inputs = [c["input"] for c in manifest.behaviour_changes]
    assert len(inputs) == MAX_CHANGES_PER_SYMBOL and inputs[0] == "f(101)" and "f(1000)" in inputs
    assert f"{MAX_CHANGES_PER_SYMBOL + 1} inputs behaved differently" in " ".join(manifest.notes)


def test_a_shrinking_round_that_fails_ends_the_shrinking_quietly():
    ws = FakeWorkspace(capped_at_100, fail_from=2)
    manifest = run_characterize(ws, [15173])
    assert [c["input"] for c in manifest.behaviour_changes] == ["f(15173)"]
    assert len(ws.requests) == 3  # the base child of the first round failed: no head child, no more rounds
    assert manifest.problems == []


def test_no_shrinking_after_the_characterization_failed():
    ws = FakeWorkspace(capped_at_100, fail_from=1)  # the head side times out
    run_characterize(ws, [15173])
    assert len(ws.requests) == 2
