"""What every Python runner harness shares: the runner protocol's files and the processes that run PR code.

The Python harness (``ato_harness``) and the Java harness's orchestrator (``ato_java``) both import this
package; each runner image that uses it carries it next to its harness (``/opt/ato/ato_runner``). The
protocol itself is ``runners/PROTOCOL.md``; ``runners/contract/`` holds one example of each file it names,
which ``contract`` checks the harnesses' output against.

| module | what |
| --- | --- |
| ``plan`` | read and validate ``plan.json`` |
| ``manifest`` | record and write ``manifest.json`` |
| ``validation`` | validate mode's per-candidate bookkeeping, ``validation.json`` |
| ``line_coverage``, ``findings`` | ato's own coverage and findings files, whatever tool measured |
| ``paths`` | a tool's file name as a path of the repository |
| ``processes`` | a child process with a deadline, resource limits and a group kill |
| ``jsonfiles``, ``text`` | atomic JSON files, JSON lines, cut texts |
| ``steps`` | one guarded step of a pipeline: an internal error becomes a ``tool`` problem |
| ``contract`` | the example files and the shape checker the harnesses' tests use |
"""

PROTOCOL_VERSION = 2
"""The runner protocol version (``runners/PROTOCOL.md``): plans of another version are refused, and every
file a harness writes carries it."""
