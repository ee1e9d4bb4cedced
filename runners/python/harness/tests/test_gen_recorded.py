from ato_runner.plan import TargetFile

from ato_harness import gen_recorded, observations
from ato_harness.gen_recorded import RecordedCall
from ato_harness.locate import ModuleLocation


def returned(value):
    return observations.returned(value, repr(value))


def call(symbol, args, observation, kind="function"):
    return RecordedCall(symbol, kind, tuple(args), (), observation)


def test_a_returned_value_is_asserted_equal_and_singletons_by_identity():
    assert gen_recorded.test_body(call("add", ["1", "2"], returned(3))) == "    assert _module().add(1, 2) == 3\n"
    assert gen_recorded.test_body(call("f", [], returned(None))) == "    assert _module().f() is None\n"
    body = gen_recorded.test_body(call("Stack.push", ["1"], returned(1), kind="method"))
    assert body == "    assert _module().Stack().push(1) == 1\n"


def test_a_raised_exception_is_asserted_by_type_name():
    body = gen_recorded.test_body(call("add", ["1", "-2"], observations.raised(ValueError("negative"))))
    assert "with pytest.raises(Exception) as info:" in body
    assert "_module().add(1, -2)" in body
    assert "type(info.value).__name__ == 'ValueError'" in body


def test_only_exact_and_environment_free_observations_are_assertable():
    class Opaque:
        pass

    assert gen_recorded.assertable(returned([1]))
    assert not gen_recorded.assertable(returned(Opaque()))
    assert not gen_recorded.assertable(returned(float("nan")))
    assert gen_recorded.assertable(observations.raised(KeyError("k")))
    assert not gen_recorded.assertable(observations.raised(OSError(101, "Network is unreachable")))
    assert not gen_recorded.assertable(observations.raised(MemoryError()))
    assert not gen_recorded.assertable(observations.raised(SystemExit(1)))
    assert not gen_recorded.assertable({"kind": "raised", "error": "ato.CallTimeout", "message": "slow"})


def test_pick_calls_caps_per_symbol_and_keeps_every_kind_of_outcome():
    calls = [call("f", [str(i)], returned(i)) for i in range(20)]
    calls.append(call("f", ["-1"], observations.raised(ValueError("neg"))))
    calls += [call("g", [str(i)], returned(i)) for i in range(3)]
    picked = gen_recorded.pick_calls(calls, limit=5)
    f_calls = [c for c in picked if c.symbol == "f"]
    assert len(f_calls) == 5
    assert any(c.observation["kind"] == "raised" for c in f_calls)
    assert [c.args for c in picked if c.symbol == "g"] == [("0",), ("1",), ("2",)]


def test_recorded_file_names_tests_per_symbol_and_targets_them():
    target = TargetFile("pkg/calc.py", "python", (), ())
    calls = [call("add", ["1", "2"], returned(3)), call("add", ["0", "0"], returned(0))]
    out = gen_recorded.recorded_tests("regression", target, ModuleLocation("pkg.calc", ("",)), calls)
    assert out is not None
    assert out.name == "test_ato_pkg_calc_regression.py"
    assert out.tests == [("test_add_1", "pkg/calc.py::add"), ("test_add_2", "pkg/calc.py::add")]
    compile(out.render(), out.name, "exec")
    assert gen_recorded.recorded_tests("regression", target, ModuleLocation("pkg.calc", ("",)), []) is None


def test_pick_calls_prefers_the_simplest_calls():
    calls = [call("f", [str(10**n)], returned(n)) for n in range(12, 0, -1)]
    picked = gen_recorded.pick_calls(calls, limit=3)
    assert [c.args for c in picked] == [("10",), ("100",), ("1000",)]
