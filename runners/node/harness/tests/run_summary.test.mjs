// One run of one candidate summed up from the event reporter's records.

import test from 'node:test';
import assert from 'node:assert/strict';
import { summariseRun, cleanStderr } from '../ato_harness/run_summary.mjs';
import { record } from '../ato_harness/event_reporter.mjs';
import { formatFailure, failureText, stackFrames } from '../ato_harness/failure_text.mjs';

const FILE = '/work/head/src/calc.llm.test.mjs';
const start = (name, nesting = 0) => ({ event: 'start', name, nesting, file: FILE });
const pass = (name, nesting = 0, more = {}) => ({ event: 'pass', name, nesting, file: FILE, suite: false, skip: false,
  todo: false, ...more });
const failure = (message, type = 'AssertionError', failureType = 'testCodeFailure') => ({ failureType, type,
  message, frames: ['at TestContext.<anonymous> (file:///work/head/src/calc.llm.test.mjs:4:5)'] });
const fail = (name, nesting = 0, more = {}) => ({ event: 'fail', name, nesting, file: FILE, suite: false,
  skip: false, todo: false, failure: failure(`${name} broke`), ...more });

test('leaf tests are counted, suites and parents of subtests are not; skips pass', () => {
  const records = [
    start('adds'), pass('adds'),
    start('group'), start('inner a', 1), pass('inner a', 1), start('inner b', 1), pass('inner b', 1, { skip: true }),
    pass('group', 0, { suite: true }),
    start('parent'), start('child', 1), pass('child', 1), pass('parent'),
    { event: 'coverage', files: [{ path: '/work/head/src/calc.js', lines: [1, 2, 5] }] },
  ];
  const s = summariseRun(records, FILE);
  assert.equal(s.tests, 4);
  assert.equal(s.status, 'passed');
  assert.equal(s.error, null);
  assert.equal(s.timedOut, false);
  assert.deepEqual([...s.covered], [['/work/head/src/calc.js', [1, 2, 5]]]);
});

test('the first failing test case is the error, named with its suites; a failing todo is no failure', () => {
  const records = [
    start('later todo'), fail('later todo', 0, { todo: true }),
    start('add'), start('negative', 1), fail('negative', 1), start('zero', 1), fail('zero', 1),
    fail('add', 0, { suite: true, failure: failure('2 subtests failed', 'Error', 'subtestsFailed') }),
  ];
  const s = summariseRun(records, FILE);
  assert.equal(s.tests, 3);
  assert.equal(s.status, 'failed');
  assert.equal(s.error, 'add > negative: AssertionError: negative broke\n'
    + '    at TestContext.<anonymous> (file:///work/head/src/calc.llm.test.mjs:4:5)');
});

test('a module that fails to load is a load error made of its stderr', () => {
  const records = [
    { event: 'stderr', file: FILE, message: 'file:///work/head/src/calc.llm.test.mjs:2\n' },
    { event: 'stderr', file: FILE, message: "SyntaxError: The requested module './calc.js' does not provide an export named 'nope'\n" },
    { event: 'stderr', file: FILE, message: '    at ModuleJob._instantiate (node:internal/modules/esm/module_job:213:21)\n\nNode.js v20.19.2\n' },
    { event: 'stderr', file: '/work/head/other.test.mjs', message: 'not mine\n' },
    fail(FILE, 0, { failure: failure('test failed', 'Error') }),
  ];
  const s = summariseRun(records, FILE);
  assert.equal(s.tests, 0);
  assert.equal(s.loadError, "file:///work/head/src/calc.llm.test.mjs:2\nSyntaxError: The requested module './calc.js' "
    + "does not provide an export named 'nope'");
});

test('a module without tests, and one whose runner never reported, are load errors too', () => {
  assert.equal(summariseRun([], FILE).loadError, 'no test found: the module loaded but declared no test');
  const spun = summariseRun([fail(FILE, 0, { failure: failure('test timed out after 5000ms', 'Error', 'testTimeoutFailure') })], FILE);
  assert.equal(spun.tests, 0);
  assert.equal(spun.timedOut, true);
  assert.match(spun.loadError, /^no test reported before the time limit: .*\(test timed out after 5000ms\)$/);
  const stopped = summariseRun([], FILE, { stoppedAfterSecs: 60 });
  assert.equal(stopped.status, 'missing');
  assert.equal(stopped.loadError, 'the run did not finish within 60s and was stopped');
});

test('a test that started and never ended is counted and named when the module times out', () => {
  const records = [
    start('quick'), pass('quick'), start('suite'), start('never ends', 1),
    fail(FILE, 0, { failure: failure('test timed out after 5000ms', 'Error', 'testTimeoutFailure') }),
  ];
  const s = summariseRun(records, FILE);
  assert.equal(s.tests, 2);
  assert.equal(s.status, 'failed');
  assert.equal(s.timedOut, true);
  assert.equal(s.error, 'suite > never ends: test timed out after 5000ms');
  const killed = summariseRun(records.slice(0, 4), FILE, { stoppedAfterSecs: 9 });
  assert.equal(killed.status, 'missing');
  assert.equal(killed.error, 'never ends: the run did not finish within 9s and was stopped');
});

test('a module whose tests passed but whose process failed afterwards fails with its stderr', () => {
  const records = [
    start('a'), pass('a'),
    { event: 'stderr', file: FILE, message: 'Error: late\n    at Timeout._onTimeout (file:///work/head/x.js:1:1)\n' },
    fail(FILE, 0, { failure: failure('test failed', 'Error') }),
  ];
  const s = summariseRun(records, FILE);
  assert.equal(s.status, 'failed');
  assert.equal(s.error, 'the test file: Error: late\n    at Timeout._onTimeout (file:///work/head/x.js:1:1)');
});

test('cleanStderr drops node internals and the version banner', () => {
  assert.equal(cleanStderr('Boom\n    at x (node:internal/a:1:1)\n    at y (file:///a.js:1:1)\n\nNode.js v20.19.2\n'),
    'Boom\n    at y (file:///a.js:1:1)');
});

test('the reporter keeps what validate reads, coverage only under the head tree', () => {
  assert.deepEqual(record({ type: 'test:dequeue', data: { name: 'a', nesting: 1, file: FILE } }),
    { event: 'start', name: 'a', nesting: 1, file: FILE });
  assert.deepEqual(record({ type: 'test:pass', data: { name: 'a', nesting: 0, file: FILE, skip: 'why',
    details: { type: 'test' } } }),
  { event: 'pass', name: 'a', nesting: 0, file: FILE, suite: false, skip: true, todo: false });
  const cov = record({ type: 'test:coverage', data: { summary: { files: [
    { path: '/work/head/src/calc.js', lines: [{ line: 1, count: 1 }, { line: 2, count: 0 }, { line: 3, count: 4 }] },
    { path: '/work/head/node_modules/dep/index.js', lines: [{ line: 1, count: 1 }] },
    { path: '/opt/ato/ato_harness/x.mjs', lines: [{ line: 1, count: 1 }] },
  ] } } }, '/work/head');
  assert.deepEqual(cov, { event: 'coverage', files: [{ path: '/work/head/src/calc.js', lines: [1, 3] }] });
  assert.equal(record({ type: 'test:enqueue', data: {} }), null);
});

test('failures: the thrown error under the runner\'s wrapper, node frames dropped', () => {
  const thrown = new TypeError('x is not a function');
  const f = formatFailure(Object.assign(new Error('test failed'), { failureType: 'testCodeFailure', cause: thrown }));
  assert.equal(f.failureType, 'testCodeFailure');
  assert.equal(f.type, 'TypeError');
  assert.equal(f.message, 'x is not a function');
  assert.ok(f.frames.every((l) => l.startsWith('at ') && !l.includes('node:')), f.frames.join('\n'));
  assert.deepEqual(formatFailure({ failureType: 'testCodeFailure', cause: 'a string' }),
    { failureType: 'testCodeFailure', type: 'Error', message: 'a string', frames: [] });
  assert.equal(formatFailure({ failureType: 'testCodeFailure', cause: 42 }).type, 'thrown number');
  assert.deepEqual(stackFrames('E: m\n    at a (file:///x.js:1:2)\n    at b (node:internal/y:1:1)\n    at node:z:1:1'),
    ['at a (file:///x.js:1:2)']);
  assert.equal(failureText('t', { type: 'E', message: 'm\n', frames: [] }), 't: E: m');
});
