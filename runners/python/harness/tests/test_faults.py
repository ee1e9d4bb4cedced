from ato_harness.faults import fault_of


def test_hypothesis_set_up_errors_are_atos_fault_wherever_they_are_raised():
    reason = fault_of("hypothesis.errors", "ResolutionFailed", "/x/strategies.py", "/t/test_a.py", "Could not resolve typing.Any\nmore")
    assert reason == "Hypothesis could not run the generated test: ResolutionFailed: Could not resolve typing.Any"
    # A test that found a failing example is not.
    assert fault_of("hypothesis.errors", "Flaky", "/t/test_a.py", "/t/test_a.py", "x") is None


def test_a_name_error_is_atos_only_in_the_generated_file():
    assert fault_of("builtins", "NameError", "/t/test_a.py", "/t/test_a.py", "name 'nothing' is not defined")
    assert fault_of("builtins", "NameError", "/work/head/pkg/mod.py", "/t/test_a.py", "name 'x' is not defined") is None
    assert fault_of("builtins", "AssertionError", "/t/test_a.py", "/t/test_a.py", "") is None
