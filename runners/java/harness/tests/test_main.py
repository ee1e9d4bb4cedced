import json
import tempfile
import unittest
from pathlib import Path

from ato_runner import PROTOCOL_VERSION

from ato_java import main, probe


class MainTest(unittest.TestCase):
    def test_a_bad_plan_still_gives_a_manifest_with_the_problem(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "plan.json").write_text('{"protocol": 7}')
            self.assertEqual(main.main(root), 0)
            manifest = json.loads((root / "out" / "manifest.json").read_text())
            self.assertEqual(manifest["protocol"], PROTOCOL_VERSION)
            [problem] = manifest["problems"]
            self.assertEqual(problem["kind"], "tool")
            self.assertIn("unsupported protocol 7", problem["message"])
            self.assertFalse((root / ".ato-java").exists(), "the scratch folder is removed")

    def test_a_missing_plan_still_gives_a_manifest(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            self.assertEqual(main.main(root), 0)
            manifest = json.loads((root / "out" / "manifest.json").read_text())
            self.assertIn("cannot read plan.json", manifest["problems"][0]["message"])


class ProbeLinesTest(unittest.TestCase):
    def test_only_complete_lines_are_read_and_broken_ones_skipped(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "calls.jsonl"
            path.write_bytes(b'{"start":true,"i":0}\nnot json\n{"i":0,"fir')
            lines, offset = probe._read_lines(path, 0)
            self.assertEqual(lines, [{"start": True, "i": 0}])
            self.assertEqual(offset, len(b'{"start":true,"i":0}\nnot json\n'))

    def test_observations_agree_on_kind_value_error_and_message(self):
        self.assertTrue(
            probe.same({"kind": "returned", "value": "1", "source": "1"}, {"kind": "returned", "value": "1"})
        )
        self.assertFalse(
            probe.same(
                {"kind": "raised", "error": "E", "message": "a"}, {"kind": "raised", "error": "E", "message": "b"}
            )
        )

    def test_each_call_gets_a_slice_of_the_step(self):
        self.assertEqual(probe.call_timeout(120), 5.0)
        self.assertEqual(probe.call_timeout(20), 1.0)
        self.assertEqual(probe.call_timeout(1), 0.25)


if __name__ == "__main__":
    unittest.main()
