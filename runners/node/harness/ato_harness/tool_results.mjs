// The results of a jest or vitest run, read from the tool's JSON report (`jest --json --outputFile`, vitest's
// `--reporter=json`, which follows jest's format): turned into the JUnit XML the host reads, and into the
// per-file summary validate mode needs. Pure.
//
// One converter for both tools keeps the test ids the same as node:test's: a top-level test is
// classname="test", so `test::<name>`; a test inside describe blocks has their titles joined by " > " as
// its classname. A file that failed before running any test (a syntax error, a module that does not load) is
// one `<testcase>` named after the file, with an `<error>`.

import path from 'node:path';
import { JUNIT_CLASSNAME } from './testfile.mjs';

const FRAME_CAP = 8;
/** Frames of the tools themselves (npm's or Debian's package folders) and of node. */
const TOOL_FRAME = /node_modules\/|\/usr\/share\/nodejs\/|\/usr\/lib\/nodejs\/|\(node:|^\s+at node:|\(<anonymous>\)$/;
const SKIPPED = new Set(['pending', 'skipped', 'todo', 'disabled']);

/** ANSI colour codes, which jest and vitest put in messages when they think a terminal is watching. */
export function stripAnsi(text) {
  // eslint-disable-next-line no-control-regex
  return String(text ?? '').replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

/** Escapes text for an XML attribute or element, dropping characters XML 1.0 cannot hold. */
export function xmlEscape(text) {
  return String(text)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * A failure message without the frames of the test tool itself (its packages, node's internals), at most
 * FRAME_CAP frames: what the model that wrote the test can act on.
 */
export function trimFailure(text) {
  let frames = 0;
  const out = [];
  for (const line of stripAnsi(text).split('\n')) {
    // Code frames (`> 12 | source`, `   | ^`) show the tool's own source as often as the test's: dropped.
    if (/^\s*>?\s*\d+ \|/.test(line) || /^\s+\|\s*\^/.test(line)) continue;
    if (/^\s+at /.test(line)) {
      if (TOOL_FRAME.test(line)) continue;
      frames += 1;
      if (frames > FRAME_CAP) continue;
    }
    out.push(line.replace(/\s+$/, ''));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** Parses the tool's JSON report; throws with a clear message when it is not one. */
export function parseToolReport(text) {
  let report;
  try {
    report = JSON.parse(text);
  } catch (err) {
    throw new Error(`the test tool's JSON report is not JSON: ${err.message}`);
  }
  if (!report || !Array.isArray(report.testResults)) throw new Error("the test tool's JSON report has no testResults");
  return report;
}

function relative(head, file) {
  const rel = path.relative(head, String(file ?? ''));
  return rel.startsWith('..') || path.isAbsolute(rel) ? String(file ?? '') : rel.split(path.sep).join('/');
}

/**
 * A file's results, in the shape both tools give:
 * `{ file, failedToRun, message, cases: [{ classname, name, fullName, status, message, seconds }] }`.
 */
export function fileResults(result) {
  const assertions = Array.isArray(result.assertionResults) ? result.assertionResults : [];
  const cases = assertions.map((a) => {
    const ancestors = Array.isArray(a.ancestorTitles) ? a.ancestorTitles.filter((t) => t !== '') : [];
    const failures = Array.isArray(a.failureMessages) ? a.failureMessages : [];
    let status = 'passed';
    if (a.status === 'failed') status = 'failed';
    else if (SKIPPED.has(a.status)) status = 'skipped';
    return {
      classname: ancestors.length ? ancestors.join(' > ') : JUNIT_CLASSNAME,
      name: String(a.title ?? a.fullName ?? ''),
      fullName: [...ancestors, String(a.title ?? '')].join(' > '),
      status,
      message: failures.map(trimFailure).join('\n\n'),
      seconds: Number.isFinite(a.duration) ? a.duration / 1000 : 0,
    };
  });
  const message = trimFailure(result.message ?? result.failureMessage ?? '');
  const failedToRun = cases.length === 0 && (result.status === 'failed' || message !== '');
  return { file: result.name, failedToRun, message, cases };
}

/** The JUnit XML of a whole report. `head` makes file names relative to the repository. */
export function reportToJunit(report, head) {
  const suites = [];
  let total = 0;
  let failures = 0;
  let errors = 0;
  for (const result of report.testResults) {
    const r = fileResults(result);
    const rel = relative(head, r.file);
    const cases = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    for (const c of r.cases) {
      const attrs = `classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}" time="${c.seconds.toFixed(3)}"`;
      if (c.status === 'failed') {
        suiteFailures += 1;
        const first = c.message.split('\n')[0] ?? '';
        cases.push(`    <testcase ${attrs}>\n      <failure message="${xmlEscape(first)}">${xmlEscape(c.message)}`
          + '</failure>\n    </testcase>');
      } else if (c.status === 'skipped') {
        suiteSkipped += 1;
        cases.push(`    <testcase ${attrs}>\n      <skipped/>\n    </testcase>`);
      } else {
        cases.push(`    <testcase ${attrs}/>`);
      }
    }
    let suiteErrors = 0;
    if (r.failedToRun) {
      suiteErrors = 1;
      const first = r.message.split('\n').find((l) => l.trim()) ?? 'the test file failed to run';
      cases.push(`    <testcase classname="${JUNIT_CLASSNAME}" name="${xmlEscape(rel)}" time="0.000">\n`
        + `      <error message="${xmlEscape(first.trim())}">${xmlEscape(r.message)}</error>\n    </testcase>`);
    }
    const count = cases.length;
    total += count;
    failures += suiteFailures;
    errors += suiteErrors;
    suites.push(`  <testsuite name="${xmlEscape(rel)}" tests="${count}" failures="${suiteFailures}" `
      + `errors="${suiteErrors}" skipped="${suiteSkipped}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${total}" failures="${failures}" `
    + `errors="${errors}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/**
 * One candidate file's run from the report, in run_summary.mjs's shape (coverage is added by the caller).
 * A file the report does not mention did not run.
 */
export function summariseToolFile(report, file, framework = 'the test tool') {
  const result = report?.testResults?.find((t) => t.name === file);
  if (!result) {
    const error = `${framework} did not run this file: the project's ${framework} configuration (which files `
      + 'are tests, and where) does not include it; name and write it like the project\'s own tests';
    return { tests: 0, status: 'missing', error, loadError: error, timedOut: false, covered: new Map() };
  }
  const r = fileResults(result);
  if (r.failedToRun || r.cases.length === 0) {
    const loadError = r.message || 'no test found: the module loaded but declared no test';
    return { tests: 0, status: 'failed', error: loadError, loadError, timedOut: false, covered: new Map() };
  }
  const failed = r.cases.find((c) => c.status === 'failed');
  const timedOut = r.cases.some((c) => /Exceeded timeout of \d+ ?ms|Test timed out in \d+ms/.test(c.message));
  return {
    tests: r.cases.length,
    status: failed ? 'failed' : 'passed',
    error: failed ? `${failed.fullName}: ${failed.message}` : null,
    loadError: null,
    timedOut,
    covered: new Map(),
  };
}
