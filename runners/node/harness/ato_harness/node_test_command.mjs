// The node arguments of one node:test run, on any Node.js the images have. node:test's junit and lcov
// reporters, `--test-timeout` and `--disable-warning` arrived together in Node.js 20.11: from there a run is
// `node --test` with them; before (Node.js 18, the node18 image) it is test_launcher.mjs with the harness's
// own reporters (junit_reporter.mjs, lcov_reporter.mjs), which write the same files. Either way the files
// the host reads are the same.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const [MAJOR, MINOR] = process.versions.node.split('.').map(Number);

/** Whether this node has node:test's junit and lcov reporters, `--test-timeout` and `--disable-warning`. */
export const BUILTIN_REPORTERS = MAJOR > 20 || (MAJOR === 20 && MINOR >= 11);

/** The flag that keeps node's ExperimentalWarnings out of a process's stderr. */
export const QUIET_EXPERIMENTAL = BUILTIN_REPORTERS ? '--disable-warning=ExperimentalWarning'
  : `--require=${path.join(HERE, 'quiet_experimental.cjs')}`;

const LAUNCHER = path.join(HERE, 'test_launcher.mjs');
const OWN_REPORTERS = { junit: path.join(HERE, 'junit_reporter.mjs'), lcov: path.join(HERE, 'lcov_reporter.mjs') };

/**
 * Runs `files` (absolute paths), each test and each file stopped after `timeoutMs`, at most `concurrency`
 * files at once (node's default when unset), with coverage when `coverage`; `reporters` are
 * [reporter, destination] pairs, a reporter being `junit`, `lcov` or a module's path. `builtin`: whether to
 * use node's own reporters (tests compare the two ways).
 */
export function nodeTestArgs({ files, reporters, timeoutMs, concurrency, coverage = false },
  builtin = BUILTIN_REPORTERS) {
  if (!builtin) {
    const own = reporters.map(([reporter, destination]) => [OWN_REPORTERS[reporter] ?? reporter, destination]);
    return [LAUNCHER, JSON.stringify({ files, timeoutMs, concurrency, coverage, reporters: own })];
  }
  return [
    '--test', `--test-timeout=${timeoutMs}`,
    ...(concurrency ? [`--test-concurrency=${concurrency}`] : []),
    ...reporters.flatMap(([reporter, destination]) => [`--test-reporter=${reporter}`,
      `--test-reporter-destination=${destination}`]),
    ...(coverage ? ['--experimental-test-coverage'] : []),
    ...files,
  ];
}
