from ato_runner import PROTOCOL_VERSION
from ato_runner.validation import CandidateRecord, give_up, validation_json

from ato_harness.validation_results import failure_text, parse_session, settle, short_test_name

ROOT = "/work"
A, B, C = "/work/candidates/test_a.py", "/work/candidates/test_b.py", "/work/candidates/test_c.py"


def records():
    return {
        A: CandidateRecord("a", "candidates/test_a.py"),
        B: CandidateRecord("b", "candidates/test_b.py"),
        C: CandidateRecord("c", "candidates/test_c.py"),
    }


def collected(*paths, counts):
    events = []
    for path in paths:
        events += [{"event": "collecting", "path": path}, {"event": "collected", "path": path, "ok": True}]
    return events + [{"event": "items", "counts": counts}]


def result(path, name, outcome="passed", error=None):
    nodeid = f"{path.removeprefix(ROOT + '/')}::{name}"
    return [
        {"event": "start", "path": path, "nodeid": nodeid},
        {"event": "result", "path": path, "nodeid": nodeid, "outcome": outcome, "error": error},
    ]


FAILURE = {
    "when": "call",
    "type": "AssertionError",
    "message": "assert 1 == 2",
    "traceback": "/work/candidates/test_b.py:3: in test_x\n    assert 1 == 2\nE   assert 1 == 2",
}


def test_a_finished_session_settles_everyone():
    recs = records()
    events = collected(A, B, C, counts={A: 2, B: 1})
    events[5] = {"event": "collected", "path": C, "ok": False, "error": "E   ImportError: /work/head/x.py"}
    events += result(A, "test_1") + result(A, "test_2") + result(B, "test_x", "failed", FAILURE)
    events.append({"event": "finished", "status": 1})
    settled = settle(recs, [A, B, C], parse_session(events), 1, None, ROOT)
    assert settled.retry == [] and not settled.blamed
    assert recs[A].entry() == {
        "id": "a",
        "collected": True,
        "tests": 2,
        "runs": ["passed"],
        "error": None,
        "covered": {},
    }
    entry_b = recs[B].entry()
    assert entry_b["runs"] == ["failed"]
    assert (
        entry_b["error"] == "test_x: AssertionError: assert 1 == 2\ncandidates/test_b.py:3: in test_x\n"
        "    assert 1 == 2\nE   assert 1 == 2"
    )
    assert recs[C].entry() == {
        "id": "c",
        "collected": False,
        "tests": 0,
        "runs": [],
        "error": "E   ImportError: head/x.py",
        "covered": {},
    }


def test_a_session_that_died_in_a_test_blames_it_and_retries_the_rest():
    recs = records()
    events = collected(A, B, C, counts={A: 1, B: 2, C: 1}) + result(A, "test_1") + result(B, "test_1")
    events.append({"event": "start", "path": B, "nodeid": "candidates/test_b.py::test_2"})
    settled = settle(recs, [A, B, C], parse_session(events), 1, "killed by signal 9 (SIGKILL)", ROOT)
    assert settled.retry == [C] and settled.blamed
    assert recs[A].runs == ["passed"]
    entry_b = recs[B].entry()
    assert entry_b["collected"] and entry_b["tests"] == 2 and entry_b["runs"] == ["missing"]
    assert entry_b["error"] == (
        "test_2: the pytest process ended during this test in run 1 (killed by signal 9 (SIGKILL))"
    )


def test_a_session_that_died_importing_a_module_blames_it():
    recs = records()
    events = [
        {"event": "collecting", "path": A},
        {"event": "collected", "path": A, "ok": True},
        {"event": "collecting", "path": B},
    ]
    settled = settle(recs, [A, B, C], parse_session(events), 1, "exited with status 4", ROOT)
    assert settled.retry == [A, C] and settled.blamed
    assert recs[B].entry()["error"] == (
        "the pytest process ended while importing candidates/test_b.py (exited with status 4)"
    )


def test_a_death_nobody_can_be_blamed_for_is_not_retried():
    recs = records()
    settled = settle(recs, [A, B], parse_session([]), 1, "exited with status 4", ROOT)
    assert settled.retry == [A, B] and not settled.blamed
    give_up(recs, settled.retry, 1, "pytest stopped before it got to this candidate")
    assert recs[A].entry()["collected"] is False
    assert recs[A].entry()["error"] == "pytest stopped before it got to this candidate"


def test_reruns_keep_the_first_failure_of_the_first_failing_run():
    recs = records()
    rec = recs[B]
    for run, outcome in ((1, "passed"), (2, "failed"), (3, "failed")):
        error = dict(FAILURE, message=f"run {run}") if outcome == "failed" else None
        events = collected(B, counts={B: 1}) + result(B, "test_x", outcome, error) + [{"event": "finished"}]
        settle(recs, [B], parse_session(events), run, None, ROOT)
    assert rec.entry()["runs"] == ["passed", "failed", "failed"]
    assert rec.entry()["error"].startswith("test_x: AssertionError: run 2\n")


def test_a_failure_outranks_a_missing_run_in_the_error():
    rec = CandidateRecord("a", "a.py", collected=True, tests=1, settled_run_1=True)
    rec.add_run("missing", note="died")
    rec.add_run("failed", failure="test_x: boom")
    assert rec.entry()["error"] == "test_x: boom"


def test_a_candidate_never_reached_says_so():
    entry = CandidateRecord("a", "a.py").entry()
    assert entry["collected"] is False and entry["runs"] == [] and "stopped before" in entry["error"]


def test_failure_text_is_cut_and_names_the_phase():
    long = {"when": "setup", "type": "ValueError", "message": "x" * 5000, "traceback": "y" * 9000}
    text = failure_text({"nodeid": "c/t.py::TestK::test_y[1]", "error": long}, ROOT)
    assert text.startswith("TestK::test_y[1] (in setup): ValueError: xxx")
    message, traceback = text.split("\n")
    assert message.endswith("x…") and len(message) == len("TestK::test_y[1] (in setup): ValueError: ") + 1000
    assert traceback.startswith("…y") and len(traceback) == 2500, "the tail of the traceback"
    many_names = failure_text({"nodeid": "t.py::" + "n" * 5000, "error": long}, ROOT)
    assert len(many_names) == 4000 and many_names.endswith("…")


def test_short_test_name_drops_the_file():
    assert short_test_name("candidates/t.py::TestK::test_y[a::b]") == "TestK::test_y[a::b]"
    assert short_test_name("odd") == "odd"


def test_validation_json_lists_entries_in_order():
    recs = records()
    data = validation_json([recs[C], recs[A]])
    assert data["protocol"] == PROTOCOL_VERSION and [e["id"] for e in data["candidates"]] == ["c", "a"]
