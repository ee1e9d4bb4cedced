"""A generated test that failed because of itself, not because of the code it tests: ato's fault.

The pytest plugin asks [`fault_of`] about each failed test and the harness records the answer in the manifest
(``tests[].ato_fault``), so the host reports the test as one ato could not run instead of a failure of the
change. Only what cannot be the code under test's doing counts:

- Hypothesis refusing the test's own set-up (a strategy it cannot build, such as ``from_type(typing.Any)``, or
  one that cannot generate a value): its set-up errors, wherever they are raised;
- a name the generated file itself does not define (``NameError`` raised in a frame of the generated file),
  which a ``NameError`` inside the code under test is not.

A generated file that does not load at all (a collection error) is ato's fault too; pytest reports it as a
collect error, which the harness finds in the JUnit file (see ``base_rerun``).
"""

from __future__ import annotations

import os

# Hypothesis's errors about the test rather than the code: the strategy, the settings, the definition.
HYPOTHESIS_SETUP_ERRORS = frozenset(
    {"InvalidArgument", "ResolutionFailed", "InvalidDefinition", "Unsatisfiable", "FailedHealthCheck", "InvalidState"}
)
# Errors of the generated code itself when the innermost frame is the generated file's.
OWN_CODE_ERRORS = frozenset({"NameError", "UnboundLocalError"})


def fault_of(error_module: str, error_name: str, innermost_file: str, test_file: str, message: str) -> str | None:
    """Why the failed test is ato's fault, or None when the failure may say something about the code.

    ``error_module``/``error_name``: the exception's class; ``innermost_file``: the file of the traceback's last
    frame; ``test_file``: the generated file; ``message``: ``str()`` of the exception.
    """
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    if error_module.startswith("hypothesis") and error_name in HYPOTHESIS_SETUP_ERRORS:
        return f"Hypothesis could not run the generated test: {error_name}: {first_line}".rstrip(": ")
    if error_name in OWN_CODE_ERRORS and os.path.normpath(innermost_file) == os.path.normpath(test_file):
        return f"the generated test's own code failed: {error_name}: {first_line}".rstrip(": ")
    return None
