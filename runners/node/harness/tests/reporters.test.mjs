// node:test runs with node's own junit and lcov reporters (Node.js 20.11 and later) and with the harness's
// (test_launcher.mjs, for Node.js 18): where node has its own, both ways must write the same files; on every
// node, the harness's way must report what the tests did and what they ran.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BUILTIN_REPORTERS, nodeTestArgs } from '../ato_harness/node_test_command.mjs';
import { nodeFlags } from '../ato_harness/processes.mjs';
import { rewriteLcov } from '../ato_harness/test_runs.mjs';
import { coverageFromLcov } from '../ato_harness/coverage_findings.mjs';
import { TS_REGISTER } from '../ato_harness/workspace.mjs';

const TIMEOUT_MS = 6000;

const PROJECT = {
  'src/lib.js': 'function add(a, b) {\n  if (a > 100) {\n    return 0;\n  }\n  return a + b;\n}\n\n'
    + 'const twice = (x) => x * 2;\n/* node:coverage ignore next */\nfunction never() { return \'never\'; }\n'
    + 'module.exports = { add, twice, never };\n',
  'src/shapes.ts': 'type Sides = number;\n\nexport function describe(sides: Sides): string {\n  if (sides === 3) {\n'
    + "    return 'triangle';\n  }\n  return `${sides}-gon`;\n}\n",
  'tests/a.test.mjs': [
    "import test from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { createRequire } from 'node:module';",
    'const { add, twice } = createRequire(import.meta.url)(\'../src/lib.js\');',
    "test('adds', () => { assert.equal(add(1, 2), 3); });",
    "test('fails with \"quotes\" <and> & ampersands', () => { assert.equal(add(1, 2), 4, 'one\\ntwo'); });",
    "test('skipped', { skip: 'not today' }, () => {});",
    "test('todo', { todo: true }, () => {});",
    "test.describe('a suite', () => {",
    "  test.it('inner passes', () => { assert.equal(twice(2), 4); });",
    "  test.it('inner fails', () => { const e = new RangeError('out of range'); e.code = 'E_RANGE'; throw e; });",
    '});',
    "test('has a diagnostic', (t) => { t.diagnostic('a -- note'); });",
    "test('shapes', async () => { assert.equal((await import('../src/shapes.ts')).describe(4), '4-gon'); });",
    '',
  ].join('\n'),
  'tests/b.test.mjs': [
    "import test from 'node:test';",
    "import { createRequire } from 'node:module';",
    "const { add } = createRequire(import.meta.url)('../src/lib.js');",
    "test('big', () => { add(1000, 1); });",
    "test('hangs', () => new Promise(() => { setInterval(() => {}, 1000); }));",
    "test('after the hang', () => {});",
    '',
  ].join('\n'),
  'tests/broken.test.mjs': "import test from 'node:test';\ntest('never', () => {\n",
};
const FILES = ['tests/a.test.mjs', 'tests/b.test.mjs', 'tests/broken.test.mjs'];

function project() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ato-reporters-'));
  for (const [rel, text] of Object.entries(PROJECT)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** One run of the project's tests, one way: the JUnit XML and the lcov of the project's files. */
function runOneWay(builtin) {
  const root = project();
  try {
    const junit = path.join(root, 'run.xml');
    const lcov = path.join(root, 'lcov.info');
    const args = nodeTestArgs({ files: FILES.map((f) => path.join(root, f)), reporters: [['junit', junit],
      ['lcov', lcov]], timeoutMs: TIMEOUT_MS, concurrency: 1, coverage: true }, builtin);
    const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 120000,
      env: { PATH: process.env.PATH, HOME: root, TMPDIR: root, NODE_OPTIONS: `--import=${TS_REGISTER}` } });
    assert.equal(result.status, 1, `tests fail, so node exits with 1: ${result.stderr}`);
    return { junit: fs.readFileSync(junit, 'utf8'), lcov: rewriteLcov(fs.readFileSync(lcov, 'utf8'), root), root };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

let ownRun = null;
const own = () => {
  ownRun ??= runOneWay(false);
  return ownRun;
};

/** Test cases as `name: outcome`, the outcome being passed, skipped or the failure's type. */
function outcomes(xml) {
  const out = {};
  for (const [, name, body] of xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    out[name] = /<failure type="([^"]*)"/.exec(body ?? '')?.[1] ?? (/<skipped/.test(body ?? '') ? 'skipped' : 'passed');
  }
  return out;
}

test("node's own junit and lcov reporters and the harness's write the same files",
  { skip: BUILTIN_REPORTERS ? false : 'this node has no junit or lcov reporter of its own to compare with' }, () => {
    const builtin = runOneWay(true);
    const mine = own();
    const times = (xml) => xml.replace(/ time="[\d.]+"/g, ' time="T"').replace(/duration_ms [\d.]+/, 'duration_ms D')
      .replaceAll(builtin.root, 'ROOT').replaceAll(mine.root, 'ROOT');
    assert.equal(times(mine.junit), times(builtin.junit));
    assert.equal(mine.lcov, builtin.lcov);
    assert.match(builtin.lcov, /SF:src\/shapes\.ts\n/, 'the TypeScript file is reported, through its source map');
  });

test("the harness's reporters give each test's outcome and each file's lines and branches", () => {
  const { junit, lcov, root } = own();
  assert.deepEqual(outcomes(junit), {
    adds: 'passed',
    'fails with &amp;quot;quotes&amp;quot; &lt;and> &amp; ampersands': 'testCodeFailure',
    skipped: 'skipped',
    todo: 'skipped',
    'inner passes': 'passed',
    'inner fails': 'testCodeFailure',
    'has a diagnostic': 'passed',
    shapes: 'passed',
    big: 'passed',
    // The file that hangs is stopped at the time limit, its later tests unreported, as with --test-timeout.
    [path.join(root, 'tests/b.test.mjs')]: 'testTimeoutFailure',
    [path.join(root, 'tests/broken.test.mjs')]: 'testCodeFailure',
  });
  assert.match(junit, /<testsuite name="a suite" [^>]*tests="2" failures="1" skipped="0"/);
  assert.match(junit, /<!-- a &#45;&#45; note -->/);
  assert.match(junit, new RegExp(`test timed out after ${TIMEOUT_MS}ms`));

  const byPath = Object.fromEntries(coverageFromLcov(lcov, root).files.map((f) => [f.path, f]));
  // b.test.mjs was killed before it could write its coverage: only a.test.mjs's calls count.
  assert.deepEqual(byPath['src/lib.js'].executed, [1, 2, 5, 6, 7, 8, 9, 11]);
  assert.deepEqual(byPath['src/lib.js'].missing, [3, 4], 'line 10 is ignored by its comment');
  assert.deepEqual(byPath['src/lib.js'].branches.find((b) => b.line === 2), { line: 2, taken: 0, total: 1 });
  assert.deepEqual(byPath['src/shapes.ts'].executed, [1, 2, 3, 4, 7, 8]);
  assert.deepEqual(byPath['src/shapes.ts'].missing, [5, 6]);
  assert.match(lcov, /SF:src\/lib\.js\nFN:1,add\nFN:8,twice\nFN:10,never\nFNDA:2,add\nFNDA:1,twice\nFNDA:0,never\n/);
});

test('node ExperimentalWarnings stay out of stderr; other warnings do not', () => {
  const script = "process.emitWarning('an experiment', 'ExperimentalWarning');"
    + "process.emitWarning('an old api', 'DeprecationWarning');";
  const result = spawnSync(process.execPath, nodeFlags(['-e', script]), { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /an experiment/);
  assert.match(result.stderr, /DeprecationWarning: an old api/);
});
