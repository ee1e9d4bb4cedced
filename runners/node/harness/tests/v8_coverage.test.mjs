// The pieces behind the harness's own reporters (Node.js 18): lines and ranges as node 20's coverage counts
// them, raw V8 coverage of several processes merged into one summary, source map entries, and the JUnit
// document made from test events.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { rangeLines, sourceLines } from '../ato_harness/coverage_lines.mjs';
import { coverageSummary } from '../ato_harness/v8_coverage.mjs';
import { findEntry, mapEntries } from '../ato_harness/source_maps.mjs';
import junitReporter from '../ato_harness/junit_reporter.mjs';
import { lcovText } from '../ato_harness/lcov_reporter.mjs';

test('lines span their text without the line break, empty ones count as run, comments leave lines out', () => {
  const source = 'a = 1;\r\n\n/* node:coverage ignore next 2 */\nb();\nc();\nd();\n'
    + '/* node:coverage disable */\ne();\n/* node:coverage enable */\nf();';
  const lines = sourceLines(source);
  assert.deepEqual(lines.slice(0, 2), [
    { line: 1, start: 0, end: 6, ignore: false, count: 0 },
    { line: 2, start: 8, end: 8, ignore: false, count: 1 },
  ]);
  // The lines after `ignore next 2`; after `disable` up to and with `enable`.
  assert.deepEqual(lines.filter((l) => l.ignore).map((l) => l.line), [4, 5, 8, 9]);
  assert.equal(lines.length, 10);
  const last = source.length - 'f();'.length;
  assert.deepEqual(lines.at(-1), { line: 10, start: last, end: last + 4, ignore: false, count: 0 }, 'no final break');
});

test('a range sets the count of the lines it spans whole and touches the others', () => {
  const lines = sourceLines('if (x) {\n  y();\n}\nz();\n');
  const touched = rangeLines({ startOffset: 7, endOffset: 18, count: 4 }, lines);
  assert.deepEqual(touched.map((l) => l.line), [1, 2, 3]);
  assert.deepEqual(lines.map((l) => l.count), [0, 4, 4, 0]);
  assert.deepEqual(rangeLines({ startOffset: 500, endOffset: 600, count: 1 }, lines), [], 'past the end: none');
});

// f has one branch; each process runs one side of it, or both skip it.
const SOURCE = 'function f(a) {\n  if (a) {\n    return 1;\n  }\n  return 2;\n}\nmodule.exports = f;\n';
const script = (url, calls, uncovered) => ({
  scriptId: '1', url, functions: [
    { functionName: '', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: 79, count: 1 }] },
    { functionName: 'f', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: 58, count: calls }, uncovered] },
  ],
});

function summaryOf(processes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ato-v8-'));
  try {
    const file = path.join(dir, 'f.js');
    fs.writeFileSync(file, SOURCE);
    const url = pathToFileURL(file).href;
    processes.forEach((uncovered, i) => {
      const raw = { result: [script(url, 1, uncovered), script('node:fs', 1, uncovered)] };
      fs.writeFileSync(path.join(dir, `coverage-${100 + i}-1700000000000-0.json`), JSON.stringify(raw));
    });
    fs.writeFileSync(path.join(dir, 'not-coverage.json'), '{}');
    return { summary: coverageSummary(dir, dir), file };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the processes are merged: counts add up, a block one process ran is not missed', () => {
  const thenSkipped = { startOffset: 25, endOffset: 44, count: 0 };
  const restSkipped = { startOffset: 44, endOffset: 57, count: 0 };
  const { summary, file } = summaryOf([thenSkipped, restSkipped]);
  assert.equal(summary.files.length, 1, 'node: modules are left out');
  const [f] = summary.files;
  assert.equal(f.path, file);
  assert.deepEqual(f.lines, [1, 2, 3, 4, 5, 6, 7].map((line) => ({ line, count: 2 })));
  assert.deepEqual(f.functions, [{ name: 'f', count: 2, line: 1 }]);
  assert.deepEqual(f.branches, [{ line: 1, count: 2 }, { line: 1, count: 2 }]);
  assert.deepEqual([f.totalLineCount, f.coveredLineCount, f.coveredFunctionPercent], [7, 7, 100]);
});

test('a block every process skipped stays missed, and is a branch not taken', () => {
  const thenSkipped = { startOffset: 25, endOffset: 44, count: 0 };
  const { summary } = summaryOf([thenSkipped, { ...thenSkipped }]);
  const [f] = summary.files;
  // The block spans line 3 and the line of its closing brace whole; line 2 only from its `{`.
  assert.deepEqual(f.lines.map((l) => l.count), [2, 2, 0, 0, 2, 2, 2]);
  assert.deepEqual(f.branches, [{ line: 1, count: 2 }, { line: 1, count: 2 }, { line: 2, count: 0 }]);
  assert.deepEqual([f.totalBranchCount, f.coveredBranchCount], [3, 2]);
  assert.equal(summary.totals.coveredLineCount, 5);
  assert.match(lcovText(summary), /\nFN:1,f\nFNDA:2,f\nFNF:1\nFNH:1\n[\s\S]*\nBRDA:2,2,0,0\nBRF:3\nBRH:2\n[\s\S]*\nDA:3,0\nDA:4,0\n/);
});

test('source map entries decode in generated order and are found at or before a position', () => {
  const entries = mapEntries({ sources: ['a.ts', 'b.ts'], mappings: 'EAAA,CCAC;AACD;;AAAA' });
  assert.deepEqual(entries, [
    [0, 2, 'a.ts', 0, 0],
    [0, 3, 'b.ts', 0, 1],
    [1, 0, 'b.ts', 1, 0],
    [3, 0, 'b.ts', 1, 0],
  ]);
  assert.deepEqual(findEntry(entries, 0, 0), {}, 'before the first entry');
  assert.deepEqual(findEntry(entries, 0, 2), { originalSource: 'a.ts', originalLine: 0, originalColumn: 0 });
  assert.deepEqual(findEntry(entries, 2, 9), { originalSource: 'b.ts', originalLine: 1, originalColumn: 0 });
});

test('the JUnit document: suites of the tests they hold, cases with their skips, failures and comments', async () => {
  const events = [
    { type: 'test:start', data: { name: 'suite "one"', nesting: 0 } },
    { type: 'test:start', data: { name: 'a < b & c', nesting: 1 } },
    { type: 'test:pass', data: { name: 'a < b & c', nesting: 1, details: { duration_ms: 1.5 } } },
    { type: 'test:start', data: { name: 'later', nesting: 1 } },
    { type: 'test:pass', data: { name: 'later', nesting: 1, skip: 'not\nnow', details: { duration_ms: 0 } } },
    { type: 'test:pass', data: { name: 'suite "one"', nesting: 0, details: { duration_ms: 3, type: 'suite' } } },
    { type: 'test:start', data: { name: 'fails', nesting: 0 } },
    { type: 'test:diagnostic', data: { nesting: 1, message: 'a -- b' } },
    { type: 'test:fail', data: { name: 'fails', nesting: 0,
      details: { duration_ms: 2, error: { failureType: 'testCodeFailure', message: 'x "y"\nz' } } } },
    { type: 'test:diagnostic', data: { nesting: 0, message: 'tests 3' } },
  ];
  let xml = '';
  for await (const chunk of junitReporter(Readable.from(events))) xml += chunk;
  assert.equal(xml, [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<testsuites>',
    `\t<testsuite name="suite &amp;quot;one&amp;quot;" time="0.003000" disabled="0" errors="0" tests="2" failures="0" skipped="1" hostname="${os.hostname()}">`,
    '\t\t<testcase name="a &lt; b &amp; c" time="0.001500" classname="test"/>',
    '\t\t<testcase name="later" time="0.000000" classname="test">',
    '\t\t\t<skipped type="skipped" message="notnow"/>',
    '\t\t</testcase>',
    '\t</testsuite>',
    '\t<testcase name="fails" time="0.002000" classname="test" failure="x &amp;quot;y&amp;quot;z">',
    '\t\t<!-- a &#45;&#45; b -->',
    '\t\t<failure type="testCodeFailure" message="x &amp;quot;y&amp;quot;z">',
    "{ failureType: 'testCodeFailure', message: 'x \"y\"\\nz' }",
    '\t\t</failure>',
    '\t</testcase>',
    '\t<!-- tests 3 -->',
    '</testsuites>',
    '',
  ].join('\n'));
});
