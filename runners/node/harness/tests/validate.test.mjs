// validate mode end to end: the real harness on a workspace with candidate test modules, checked through
// out/validation.json exactly as the host reads it.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { findTools } from '../ato_harness/framework.mjs';
import { workspace, runHarness, cleanup } from './support.mjs';
import { shapeErrors } from './contract_shape.mjs';
import { PROTOCOL_VERSION } from '../ato_harness/manifest.mjs';

const CALC = `export function add(a, b) {
  if (a < 0) {
    return b - a;
  }
  return a + b;
}
export function mul(a, b) {
  return a * b;
}
`;
const TS_CALC = `export function scale(value: number, by: number): number {
  const result: number = value * by;
  return result;
}
`;
const HEADER = "import test from 'node:test';\nimport assert from 'node:assert/strict';\n";

const CANDIDATES = {
  good: `${HEADER}import { add } from './calc.js';
test('adds', () => { assert.equal(add(1, 2), 3); });
test('negative first', () => { assert.equal(add(-1, 2), 3); });
`,
  broken: `${HEADER}import { nope } from './calc.js';
test('never runs', () => { assert.equal(nope, 1); });
`,
  wrong: `import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { add } from './calc.js';
describe('add', () => {
  it('is wrong', () => { assert.equal(add(-1, 2), 1); });
  it('is right', () => { assert.equal(add(2, 2), 4); });
});
`,
  // Passes the first time only: it leaves a marker in the temporary folder, as a careless test does.
  flaky: `${HEADER}import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { add } from './calc.js';
test('first time only', () => {
  const marker = path.join(os.tmpdir(), 'ato-flaky-marker');
  const seen = fs.existsSync(marker);
  fs.writeFileSync(marker, 'x');
  assert.equal(seen, false);
  assert.equal(add(1, 1), 2);
});
`,
  hang: `${HEADER}test('quick', () => {});
test('never ends', () => new Promise(() => { setInterval(() => {}, 1000); }));
`,
  // Passes, but only runs mul: none of add's changed lines.
  elsewhere: `${HEADER}import { mul } from './calc.js';
test('multiplies', () => { assert.equal(mul(2, 3), 6); });
`,
  empty: `${HEADER}import './calc.js';
`,
};

const PLAN_FILES = [
  { path: 'src/calc.js', language: 'javascript', changed_lines: [2, 3, 4], symbols: [] },
  { path: 'src/scale.ts', language: 'typescript', changed_lines: [2], symbols: [] },
];

function candidateWorkspace(names, extraFiles = {}, plan = {}) {
  const files = {
    'head/package.json': '{ "type": "module" }\n',
    'head/src/calc.js': CALC,
    'head/src/scale.ts': TS_CALC,
    ...extraFiles,
  };
  for (const name of names) files[`candidates/calc.${name}.test.mjs`] = CANDIDATES[name];
  return workspace(files, {
    mode: 'validate',
    files: PLAN_FILES,
    step_timeout_secs: 12,
    candidates: names.map((name) => ({ id: name, file: `candidates/calc.${name}.test.mjs`, target: 'src/calc.js::add' })),
    ...plan,
  });
}

function entries(run) {
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.validation, 'validation.json was written');
  assert.equal(run.validation.protocol, PROTOCOL_VERSION);
  assert.deepEqual(shapeErrors(run.validation, 'validation.json'), []);
  assert.deepEqual(shapeErrors(run.manifest, 'manifest.json'), []);
  return Object.fromEntries(run.validation.candidates.map((c) => [c.id, c]));
}

test('good, broken, wrong, flaky and elsewhere candidates each get their own exact entry', () => {
  const names = ['good', 'broken', 'wrong', 'flaky', 'elsewhere', 'empty'];
  const root = candidateWorkspace(names);
  try {
    const run = runHarness(root);
    const byId = entries(run);
    assert.deepEqual(run.validation.candidates.map((c) => c.id), names, 'plan order');
    assert.deepEqual(byId.good, {
      id: 'good', collected: true, tests: 2, runs: ['passed', 'passed', 'passed'], error: null,
      covered: { 'src/calc.js': [1, 2, 3, 4, 5, 6, 7] }, framework: 'node:test', placed_as: 'src/calc.good.test.mjs',
    });
    assert.deepEqual(byId.broken, {
      id: 'broken', collected: false, tests: 0, runs: [],
      error: "candidates/calc.broken.test.mjs:3\nimport { nope } from './calc.js';\n         ^^^^\n"
        + "SyntaxError: The requested module './calc.js' does not provide an export named 'nope'",
      covered: {}, framework: 'node:test', placed_as: 'src/calc.broken.test.mjs',
    });
    assert.deepEqual(byId.wrong, {
      id: 'wrong', collected: true, tests: 2, runs: ['failed', 'failed', 'failed'],
      error: 'add > is wrong: AssertionError: Expected values to be strictly equal:\n\n3 !== 1\n'
        + '    at TestContext.<anonymous> (candidates/calc.wrong.test.mjs:5:33)',
      covered: { 'src/calc.js': [1, 2, 3, 4, 5, 6, 7] }, framework: 'node:test', placed_as: 'src/calc.wrong.test.mjs',
    });
    assert.equal(byId.flaky.collected, true);
    assert.deepEqual(byId.flaky.runs, ['passed', 'failed', 'failed']);
    assert.match(byId.flaky.error, /^first time only: AssertionError: Expected values to be strictly equal:\n\ntrue !== false/);
    assert.deepEqual(byId.elsewhere.runs, ['passed', 'passed', 'passed']);
    assert.deepEqual(byId.elsewhere.covered, { 'src/calc.js': [1, 7, 8, 9] }, 'none of the changed lines 2-4');
    assert.deepEqual(byId.empty, {
      id: 'empty', collected: false, tests: 0, runs: [], error: 'no test found: the module loaded but declared no test',
      covered: {}, framework: 'node:test', placed_as: 'src/calc.empty.test.mjs',
    });
    assert.deepEqual(run.manifest.generated, [], 'validate mode generates no builtin tests');
    assert.deepEqual(run.manifest.tests, []);
    assert.deepEqual(run.manifest.problems, []);
    assert.ok(!fs.existsSync(path.join(root, 'out', 'static')), 'validate mode runs no static checker');
    assert.deepEqual(fs.readdirSync(path.join(root, 'head', 'src')).sort(), ['calc.js', 'scale.ts'],
      'the placed candidates are removed again');
  } finally {
    cleanup(root);
  }
});

test('a candidate that hangs costs its own time limit and its later runs are missing', () => {
  const root = candidateWorkspace(['hang', 'good'], {}, { step_timeout_secs: 9 });
  try {
    const started = Date.now();
    const byId = entries(runHarness(root));
    const took = Date.now() - started;
    assert.equal(byId.hang.collected, true);
    assert.equal(byId.hang.tests, 2, 'the quick test and the one that never ended');
    assert.deepEqual(byId.hang.runs, ['failed', 'missing', 'missing']);
    assert.equal(byId.hang.error, 'never ends: test timed out after 5000ms');
    assert.deepEqual(byId.good.runs, ['passed', 'passed', 'passed'], 'the next candidate is not affected');
    assert.ok(took < 30000, `took ${took} ms`);
  } finally {
    cleanup(root);
  }
});

test('TypeScript candidates and targets load through the same hooks as the builtin tests', () => {
  const candidate = `import test from 'node:test';
import assert from 'node:assert/strict';
import { scale } from './scale';
test('scales', () => {
  const got: number = scale(2, 3);
  assert.equal(got, 6);
});
`;
  const root = workspace({
    'head/package.json': '{ "type": "module" }\n',
    'head/src/scale.ts': TS_CALC,
    'candidates/scale.llm.test.ts': candidate,
  }, {
    mode: 'validate', files: PLAN_FILES, step_timeout_secs: 12, reruns: 2,
    candidates: [{ id: 'ts1', file: 'candidates/scale.llm.test.ts', target: 'src/scale.ts::scale' }],
  });
  try {
    const byId = entries(runHarness(root));
    assert.deepEqual(byId.ts1, {
      id: 'ts1', collected: true, tests: 1, runs: ['passed', 'passed'], error: null,
      covered: { 'src/scale.ts': [1, 2, 3, 4] }, framework: 'node:test', placed_as: 'src/scale.llm.test.ts',
    });
  } finally {
    cleanup(root);
  }
});

test('a name taken in the head tree, a missing file and a framework that may not be here are reported per candidate', () => {
  const jestStyle = "import { add } from './calc.js';\ntest('adds', () => { expect(add(1, 2)).toBe(3); });\n";
  const root = workspace({
    'head/package.json': '{ "type": "module", "devDependencies": { "jest": "^29" } }\n',
    'head/src/calc.js': CALC,
    'head/src/calc.good.test.mjs': '// the repository\'s own file, never overwritten\n',
    'candidates/calc.good.test.mjs': CANDIDATES.good,
    'candidates/calc.jest.test.js': jestStyle,
  }, {
    mode: 'validate', files: PLAN_FILES, step_timeout_secs: 12, reruns: 1,
    candidates: [
      { id: 'c1', file: 'candidates/calc.good.test.mjs', target: 'src/calc.js::add' },
      { id: 'c2', file: 'candidates/missing.test.mjs', target: 'src/calc.js::add' },
      { id: 'c3', file: 'candidates/calc.jest.test.js', target: 'src/calc.js::add' },
    ],
  });
  try {
    const byId = entries(runHarness(root));
    assert.equal(byId.c1.placed_as, 'src/ato-c1-calc.good.test.mjs');
    assert.deepEqual(byId.c1.runs, ['passed']);
    assert.equal(fs.readFileSync(path.join(root, 'head/src/calc.good.test.mjs'), 'utf8'),
      '// the repository\'s own file, never overwritten\n');
    assert.deepEqual(byId.c2, { id: 'c2', collected: false, tests: 0, runs: [], covered: {},
      error: 'cannot read candidates/missing.test.mjs: ENOENT' });
    assert.equal(byId.c3.framework, 'jest');
    if (findTools().jest) {
      assert.doesNotMatch(byId.c3.error ?? '', /cannot run here/, 'jest is here: the candidate ran with it');
    } else {
      assert.equal(byId.c3.collected, false);
      assert.equal(byId.c3.error, 'this candidate is written for jest, which cannot run here (jest is not installed: '
        + "neither in the project's dependencies nor in the runner image); write it with node:test instead");
    }
  } finally {
    cleanup(root);
  }
});

test('a bad candidate list is a tool problem, not a crash', () => {
  const root = workspace({ 'head/a.js': '' }, {
    mode: 'validate', candidates: [{ id: 'bad id', file: 'candidates/a.test.mjs', target: 'a.js::f' }],
  });
  try {
    const run = runHarness(root);
    assert.equal(run.status, 0);
    assert.equal(run.validation, null);
    assert.deepEqual(run.manifest.problems.map((p) => [p.kind, p.message]),
      [['tool', 'bad plan: candidate id "bad id" is not made of letters, digits, _ and -']]);
  } finally {
    cleanup(root);
  }
});
