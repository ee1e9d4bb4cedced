"""ato_runner.processes: the deadline, the group kill, merged output and deadlines that move."""

import os
import sys
import tempfile
import time
import unittest
from pathlib import Path

from ato_runner.processes import Limits, run_limited


def python(code: str, **kwargs):
    return run_limited([sys.executable, "-c", code], **kwargs)


class RunLimitedTest(unittest.TestCase):
    def test_an_exit_is_described_with_the_last_line_it_wrote(self):
        finished = python(
            "import sys; print('out'); print('first\\nlast\\n', file=sys.stderr); sys.exit(3)", timeout=30
        )
        self.assertEqual((finished.returncode, finished.timed_out, finished.ok), (3, False, False))
        self.assertEqual(finished.stdout_tail.strip(), "out")
        self.assertEqual(finished.describe(), "exited with status 3: last")
        self.assertIn("out", finished.output)
        self.assertIn("first", finished.output)

    def test_merged_output_keeps_both_streams_in_order(self):
        code = "import sys; print('one', flush=True); print('two', file=sys.stderr, flush=True); print('three')"
        finished = python(code, timeout=30, merge_output=True)
        self.assertTrue(finished.ok)
        self.assertEqual(finished.output.split(), ["one", "two", "three"])
        self.assertEqual(finished.stderr_tail, "")

    def test_a_signal_is_named(self):
        finished = python("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", timeout=30)
        self.assertEqual(finished.describe(), "killed by signal 9 (SIGKILL)")

    def test_the_deadline_kills_the_child(self):
        start = time.monotonic()
        finished = python("import time; time.sleep(60)", timeout=1)
        self.assertTrue(finished.timed_out and finished.returncode is None and not finished.ok)
        self.assertLess(time.monotonic() - start, 20)
        self.assertTrue(finished.describe().startswith("timed out after"))

    def test_poll_can_move_the_deadline_while_the_child_makes_progress(self):
        calls = []

        def poll():
            calls.append(1)
            return 1.0 if len(calls) < 15 else None

        finished = python("import time; time.sleep(1.5)", timeout=0.5, poll=poll)
        self.assertTrue(finished.ok, finished.describe())
        self.assertGreater(len(calls), 3)

    def test_logs_go_where_asked_and_env_is_the_childs_whole_environment(self):
        with tempfile.TemporaryDirectory() as tmp:
            finished = python(
                "import os; print(sorted(os.environ))",
                timeout=30,
                env={"ONLY": "1"},
                log_dir=Path(tmp) / "logs",
                log_name="env",
                cwd=tmp,
            )
            self.assertIn("'ONLY'", (Path(tmp) / "logs" / "env.out").read_text())
            self.assertNotIn("PATH", finished.stdout_tail)

    def test_limits_apply_in_the_child(self):
        finished = python(
            "import resource; print(resource.getrlimit(resource.RLIMIT_FSIZE)[0])",
            timeout=30,
            limits=Limits(max_file_bytes=4096, core_dumps=False),
        )
        self.assertEqual(finished.stdout_tail.strip(), "4096")

    def test_a_child_that_cannot_start_is_reported_not_raised(self):
        finished = run_limited(["/nonexistent/binary"], timeout=5, env=dict(os.environ))
        self.assertTrue(finished.spawn_error and finished.returncode is None and not finished.ok)
        self.assertTrue(finished.describe().startswith("could not start"))


if __name__ == "__main__":
    unittest.main()
