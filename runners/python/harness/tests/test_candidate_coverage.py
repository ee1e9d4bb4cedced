from ato_harness.candidate_coverage import attribute, import_time_lines

SOURCE = '''import functools

LIMIT = (
    10
)


@functools.cache
def add(a,
        b=LIMIT):
    """Add."""
    return a + b


class Stack:
    size = 0

    def push(self, x):
        self.size += 1

    if LIMIT:
        def pop(self):
            return None
    else:
        pass


try:
    import json
except ImportError:
    json = None
'''


def test_import_time_lines_are_everything_but_function_bodies():
    lines = import_time_lines(SOURCE)
    assert {1, 3, 4, 5} <= lines, "module-level statements, all of their lines"
    assert {8, 9, 10} <= lines, "decorator and the signature with its defaults"
    assert not {11, 12} & lines, "the body of add"
    assert {15, 16, 18, 21, 22, 25} <= lines, "class body, nested def headers, if/else branches"
    assert not {19, 23} & lines
    assert {28, 29, 30, 31} <= lines, "try, except and their bodies"


def test_import_time_lines_of_a_file_that_does_not_parse_are_none():
    assert import_time_lines("def broken(:\n") == set()


def test_lines_go_to_the_candidate_of_the_test_that_ran_them_and_import_lines_to_every_user():
    contexts = {
        "pkg/calc.py": {1: [""], 2: ["c/a.py::test_1", "c/b.py::test_2"], 5: [""], 6: ["c/b.py::test_2"]},
        "util.py": {1: [""], 2: ["c/a.py::test_1"], 4: [""]},
    }
    owners = {"c/a.py::test_1": "/w/c/a.py", "c/b.py::test_2": "/w/c/b.py", "c/z.py::test_9": "/w/c/z.py"}
    import_lines = {"pkg/calc.py": {1, 5}, "util.py": {1}}
    assert attribute(contexts, owners, import_lines) == {
        "/w/c/a.py": {"pkg/calc.py": {1, 2, 5}, "util.py": {1, 2}},
        "/w/c/b.py": {"pkg/calc.py": {1, 2, 5, 6}},
    }


def test_a_context_of_no_known_test_credits_nobody():
    assert attribute({"a.py": {1: ["", "elsewhere::t"]}}, {}, {"a.py": {1}}) == {}
