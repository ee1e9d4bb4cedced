// What one `node --test` run of one candidate amounted to, from the records of event_reporter.mjs: how many
// test cases ran, whether all passed, the first failure, and the lines it executed. Pure: validate.mjs runs
// the process and hands the records and the way the process ended.
//
// node reports a test file that could not be loaded (or that timed out as a whole) as one failing test named
// after the file, with the process's stderr as separate records; its real tests are the others.

import { failureText } from './failure_text.mjs';

/** The stderr of the test file's process, without node's version banner and internal frames. */
export function cleanStderr(text) {
  return String(text).split('\n')
    .filter((l) => !/^Node\.js v\d/.test(l) && !/^\s+at .*\(?node:internal\//.test(l))
    .join('\n').trim();
}

/**
 * Summarises one run.
 * - `records`: the reporter's records, in order.
 * - `file`: the absolute path of the test file as passed to node (the file-level test's name).
 * - `stoppedAfterSecs`: set when the harness's wall clock stopped the run (the run is then `missing`).
 *
 * Returns `{ tests, status, error, loadError, timedOut, covered }`: `status` is passed, failed or missing;
 * `loadError` is set when no test ran (the module did not load, or declared none); `timedOut` when the file
 * hit its time limit; `covered` maps absolute paths to the executed line numbers.
 */
export function summariseRun(records, file, { stoppedAfterSecs = null } = {}) {
  const ancestry = [];
  const childCount = [];
  const open = [];
  let leaves = 0;
  let firstFailure = null;
  let fileFailure = null;
  const stderr = [];
  const covered = new Map();

  for (const rec of records) {
    if (rec.event === 'coverage') {
      for (const f of rec.files) covered.set(f.path, f.lines);
      continue;
    }
    if (rec.file && rec.file !== file) continue;
    if (rec.event === 'stderr') {
      stderr.push(rec.message);
      continue;
    }
    const fileLevel = rec.nesting === 0 && rec.name === file;
    if (rec.event === 'start') {
      if (fileLevel) continue;
      ancestry[rec.nesting] = rec.name;
      ancestry.length = rec.nesting + 1;
      open.push(rec);
      continue;
    }
    if (fileLevel) {
      if (rec.event === 'fail') fileFailure = rec.failure;
      continue;
    }
    const at = open.findLastIndex((o) => o.nesting === rec.nesting && o.name === rec.name);
    if (at >= 0) open.splice(at, 1);
    // Children end before their parent: a test that saw none of its own is a leaf, a test case.
    const children = childCount[rec.nesting + 1] ?? 0;
    childCount[rec.nesting + 1] = 0;
    childCount[rec.nesting] = (childCount[rec.nesting] ?? 0) + 1;
    if (rec.suite || children > 0) continue;
    leaves += 1;
    if (rec.event === 'fail' && !rec.todo && !firstFailure) {
      const name = [...ancestry.slice(0, rec.nesting), rec.name].join(' > ');
      firstFailure = failureText(name, rec.failure);
    }
  }

  // A test that started and never ended hung: the file-level timeout stopped it (or the wall clock did).
  const hung = open.reduce((deepest, o) => (!deepest || o.nesting >= deepest.nesting ? o : deepest), null);
  const tests = leaves + (hung ? 1 : 0);
  const errText = cleanStderr(stderr.join(''));
  const timedOut = stoppedAfterSecs !== null || fileFailure?.failureType === 'testTimeoutFailure';
  const stopped = stoppedAfterSecs !== null ? `the run did not finish within ${stoppedAfterSecs}s and was stopped` : null;

  if (tests === 0) {
    let loadError;
    if (fileFailure?.failureType === 'testTimeoutFailure') {
      // A process that spins never sends its events: the module's loading or its first test hung.
      loadError = `no test reported before the time limit: the module hangs while loading or in its first test `
        + `(${fileFailure.message})`;
    } else if (errText) {
      loadError = errText;
    } else if (fileFailure) {
      loadError = `the test file failed before any test ran: ${fileFailure.message}`;
    } else {
      loadError = stopped ?? 'no test found: the module loaded but declared no test';
    }
    return { tests: 0, status: stopped ? 'missing' : 'failed', error: loadError, loadError, timedOut, covered };
  }
  if (stopped) {
    const which = hung ? `${hung.name}: ` : '';
    return { tests, status: 'missing', error: firstFailure ?? `${which}${stopped}`, loadError: null, timedOut, covered };
  }
  if (firstFailure) return { tests, status: 'failed', error: firstFailure, loadError: null, timedOut, covered };
  if (fileFailure) {
    const which = hung ? [...ancestry.slice(0, hung.nesting), hung.name].join(' > ') : 'the test file';
    const detail = fileFailure.failureType === 'testTimeoutFailure' || !errText ? fileFailure.message : errText;
    return { tests, status: 'failed', error: `${which}: ${detail}`, loadError: null, timedOut, covered };
  }
  return { tests, status: 'passed', error: null, loadError: null, timedOut, covered };
}
