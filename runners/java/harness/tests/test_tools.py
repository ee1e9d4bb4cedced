"""The image's JDK, as the harness reads it, and the flags that depend on it."""

import re
import subprocess
import tempfile
import unittest
from pathlib import Path

from ato_java import findbugs, tools


class JdkFeatureTest(unittest.TestCase):
    def test_the_release_file_gives_the_feature_version(self):
        with tempfile.TemporaryDirectory() as tmp:
            release = Path(tmp) / "release"
            for text, feature in (
                ('IMPLEMENTOR="Debian"\nJAVA_VERSION="11.0.32.1"\n', 11),
                ('JAVA_VERSION="21.0.9"\nMODULES="java.base"\n', 21),
                ('JAVA_VERSION="1.8.0_452"\n', 8),
                ("MODULES=none\n", None),
            ):
                release.write_text(text, encoding="utf-8")
                self.assertEqual(tools.jdk_feature(release), feature, text)
            self.assertIsNone(tools.jdk_feature(Path(tmp) / "absent"))

    @unittest.skipUnless(tools.JDK_HOME.is_dir(), "needs the runner image's JDK")
    def test_the_images_jdk_is_the_java_that_runs(self):
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, check=True)
        runs = re.search(r'version "(\d+)', done.stderr)
        self.assertIsNotNone(runs, done.stderr)
        self.assertEqual(tools.jdk_feature(), int(runs.group(1)))


class FindBugsFlagsTest(unittest.TestCase):
    def test_only_a_jdk_that_knows_allow_is_told_to_allow_the_security_manager(self):
        self.assertEqual(findbugs.security_manager_flags(11), [])
        for jdk in (17, 21, None):
            self.assertEqual(findbugs.security_manager_flags(jdk), ["-Djava.security.manager=allow"], jdk)


if __name__ == "__main__":
    unittest.main()
