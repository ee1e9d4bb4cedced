// jest's JSON report (a real one, written by jest 29.6 with --ci --json for fixtures/: a passing test, nested
// describe blocks, a failing test whose name needs XML escaping, a skip, a todo, and a file that fails to
// load) → the JUnit XML the host reads, and the per-file summary of validate mode.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportToJunit, summariseToolFile, parseToolReport, trimFailure, xmlEscape, stripAnsi }
  from '../ato_harness/tool_results.mjs';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'jest-29-report.json');
const report = () => parseToolReport(fs.readFileSync(FIXTURE, 'utf8'));

test('jest JSON becomes JUnit with node:test ids: classname "test" at top level, the describe titles inside', () => {
  const xml = reportToJunit(report(), '/work/head');
  assert.equal(xml, `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="6" failures="1" errors="1">
  <testsuite name="test/calc.test.js" tests="5" failures="1" errors="0" skipped="2">
    <testcase classname="test" name="adds" time="0.072"/>
    <testcase classname="add &gt; with negatives" name="keeps the sign" time="0.009"/>
    <testcase classname="add &gt; with negatives" name="is wrong &lt;on purpose&gt; &amp; &quot;quoted&quot;" time="0.028">
      <failure message="Error: expect(received).toStrictEqual(expected) // deep equality">Error: expect(received).toStrictEqual(expected) // deep equality

Expected: {&quot;sum&quot;: 1}
Received: 1
    at Object.&lt;anonymous&gt; (/work/head/test/calc.test.js:6:73)</failure>
    </testcase>
    <testcase classname="add" name="skipped" time="0.000">
      <skipped/>
    </testcase>
    <testcase classname="add" name="todo later" time="0.000">
      <skipped/>
    </testcase>
  </testsuite>
  <testsuite name="test/broken.test.js" tests="1" failures="0" errors="1" skipped="0">
    <testcase classname="test" name="test/broken.test.js" time="0.000">
      <error message="● Test suite failed to run">● Test suite failed to run

    Cannot find module &apos;../src/nope&apos; from &apos;test/broken.test.js&apos;

      at Object.&lt;anonymous&gt; (test/broken.test.js:1:21)</error>
    </testcase>
  </testsuite>
</testsuites>
`);
});

test('per file: tests counted, the first failure with its describe path, a file that did not load', () => {
  const r = report();
  assert.deepEqual(summariseToolFile(r, '/work/head/test/calc.test.js', 'jest'), {
    tests: 5,
    status: 'failed',
    error: 'add > with negatives > is wrong <on purpose> & "quoted": Error: expect(received).toStrictEqual(expected) '
      + '// deep equality\n\nExpected: {"sum": 1}\nReceived: 1\n    at Object.<anonymous> (/work/head/test/calc.test.js:6:73)',
    loadError: null,
    timedOut: false,
    covered: new Map(),
  });
  const broken = summariseToolFile(r, '/work/head/test/broken.test.js', 'jest');
  assert.equal(broken.tests, 0);
  assert.equal(broken.loadError, "● Test suite failed to run\n\n    Cannot find module '../src/nope' from "
    + "'test/broken.test.js'\n\n      at Object.<anonymous> (test/broken.test.js:1:21)");
  const absent = summariseToolFile(r, '/work/head/src/other.test.mjs', 'jest');
  assert.equal(absent.tests, 0);
  assert.match(absent.loadError, /^jest did not run this file: the project's jest configuration/);
});

test('a passing file, and a test that hit the tool\'s timeout', () => {
  const passing = { testResults: [{ name: '/w/a.test.js', status: 'passed', message: '', assertionResults: [
    { ancestorTitles: [], title: 'a', status: 'passed', failureMessages: [] },
    { ancestorTitles: [], title: 'b', status: 'pending', failureMessages: [] },
  ] }] };
  assert.deepEqual(summariseToolFile(passing, '/w/a.test.js'), { tests: 2, status: 'passed', error: null,
    loadError: null, timedOut: false, covered: new Map() });
  const slow = { testResults: [{ name: '/w/a.test.js', status: 'failed', assertionResults: [
    { ancestorTitles: [], title: 'slow', status: 'failed',
      failureMessages: ['Error: thrown: "Exceeded timeout of 5000 ms for a test.'] },
  ] }] };
  assert.equal(summariseToolFile(slow, '/w/a.test.js').timedOut, true);
});

test('messages lose colour codes, tool frames and code frames; XML loses what it cannot hold', () => {
  assert.equal(stripAnsi('\u001b[31mred\u001b[39m'), 'red');
  assert.equal(trimFailure('Error: x\n\n\n  > 3 | foo()\n    |   ^\n    at a (/work/head/t.test.js:1:1)\n'
    + '    at b (/work/head/node_modules/jest-circus/x.js:1:1)\n    at new Promise (<anonymous>)'),
  'Error: x\n\n    at a (/work/head/t.test.js:1:1)');
  assert.equal(xmlEscape('a\u0000b\u001b<&>"\''), 'ab&lt;&amp;&gt;&quot;&apos;');
});

test('a report that is not one is a clear error', () => {
  assert.throws(() => parseToolReport('{'), /JSON report is not JSON/);
  assert.throws(() => parseToolReport('{"numTotalTests": 1}'), /has no testResults/);
});
