import unittest

from ato_runner.plan import Symbol

from ato_java import characterize
from ato_java.javasrc import MethodRef
from ato_java.probe import Pass


def returned(value):
    return {"kind": "returned", "value": value, "source": value, "assert": "equals"}


def raised(error, message, environmental=False):
    return {"kind": "raised", "error": error, "message": message, "environmental": environmental}


CLAMP = MethodRef("com.x.Calc", "clamp", Symbol("Calc.clamp", "method", 4, 6, False))
MUL = MethodRef("com.x.Calc", "mul", Symbol("Calc.mul", "method", 8, 10, True))


def side(calls, unstable=()):
    result = Pass()
    result.calls = {("com.x.Calc", sig, call): obs for (sig, call), obs in calls.items()}
    result.unstable = {("com.x.Calc", sig, call) for sig, call in unstable}
    return result


class CompareTest(unittest.TestCase):
    def test_differences_are_changes_and_agreements_are_pinned(self):
        base = side(
            {
                ("clamp(int)", "Calc.clamp(0)"): returned("0"),
                ("clamp(int)", "Calc.clamp(1000)"): returned("1000"),
                ("clamp(int)", "Calc.clamp(101)"): returned("101"),
            }
        )
        head = side(
            {
                ("clamp(int)", "Calc.clamp(0)"): returned("0"),
                ("clamp(int)", "Calc.clamp(1000)"): returned("100"),
                ("clamp(int)", "Calc.clamp(101)"): returned("100"),
            }
        )
        outcome = characterize.compare([CLAMP], head, base)
        self.assertEqual(
            [(c.input, before["value"], c.observation["value"]) for c, before in outcome.changes],
            [("Calc.clamp(101)", "101", "100"), ("Calc.clamp(1000)", "1000", "100")],
        )
        self.assertEqual([(kind, c.input) for kind, c in outcome.pinned], [("characterization", "Calc.clamp(0)")])

    def test_nondeterministic_calls_are_neither_compared_nor_pinned(self):
        base = side({("clamp(int)", "Calc.clamp(5)"): returned("5")}, unstable=[("clamp(int)", "Calc.clamp(5)")])
        head = side({("clamp(int)", "Calc.clamp(5)"): returned("6")})
        outcome = characterize.compare([CLAMP], head, base)
        self.assertEqual(outcome.changes, [])
        self.assertEqual(outcome.pinned, [])
        self.assertEqual(outcome.unstable, ["Calc.clamp clamp(int)"])

    def test_new_methods_get_regressions_and_environmental_errors_are_not_pinned(self):
        head = side(
            {
                ("mul(int,int)", "Calc.mul(1, 2)"): returned("2L"),
                ("mul(int,int)", "Calc.mul(0, 0)"): raised("java.lang.OutOfMemoryError", "", True),
                ("mul(int,int)", "Calc.mul(3, 0)"): raised("java.lang.ArithmeticException", "/ by zero"),
            }
        )
        outcome = characterize.compare([MUL], head, None)
        self.assertEqual(
            sorted((k, c.input) for k, c in outcome.pinned),
            [("regression", "Calc.mul(1, 2)"), ("regression", "Calc.mul(3, 0)")],
        )

    def test_timeouts_and_failed_initializers_are_collected(self):
        head = side(
            {
                ("clamp(int)", "Calc.clamp(9)"): {"kind": "timeout"},
                ("clamp(int)", "Calc.clamp(1)"): raised("java.lang.ExceptionInInitializerError", "boom", True),
                ("clamp(int)", "Calc.clamp(2)"): raised("java.lang.NoClassDefFoundError", "x", True),
            },
            unstable=[("clamp(int)", "Calc.clamp(1)")],
        )
        outcome = characterize.compare([CLAMP], head, side({}))
        self.assertEqual([c.input for c in outcome.timeouts], ["Calc.clamp(9)"])
        self.assertEqual([c.input for c in outcome.init_failures], ["Calc.clamp(1)"])
        self.assertEqual(outcome.unstable, [], "a failed initializer is not nondeterminism")

    def test_pick_keeps_one_of_each_outcome_first(self):
        calls = [
            ("regression", characterize.Call(MUL, "mul(int,int)", f"Calc.mul({i}, 1)", returned(str(i))))
            for i in range(12)
        ]
        calls.append(
            (
                "regression",
                characterize.Call(MUL, "mul(int,int)", "Calc.mul(0, 0)", raised("java.lang.ArithmeticException", "x")),
            )
        )
        picked = characterize.pick(calls, limit=3)
        self.assertEqual([c.input for _, c in picked], ["Calc.mul(0, 1)", "Calc.mul(1, 1)", "Calc.mul(0, 0)"])


if __name__ == "__main__":
    unittest.main()
