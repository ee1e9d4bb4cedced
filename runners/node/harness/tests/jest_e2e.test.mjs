// With a real jest (in the project's dependencies or the image): generated tests in jest's style run with
// jest, and jest-style candidates are validated with it. The image has Debian's jest; these are skipped only
// where no jest can be found (a working copy run outside the image); the conversion and the rendering are
// tested without jest elsewhere.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { findTools } from '../ato_harness/framework.mjs';
import { workspace, runHarness, cleanup } from './support.mjs';
import { shapeErrors } from './contract_shape.mjs';

const jest = findTools().jest;
const skip = jest ? false : 'jest is not installed in this image';

const CALC = `function add(a, b) {
  if (typeof a !== 'number') throw new TypeError('a must be a number');
  return a + b;
}
function twice(x) {
  return x * 2;
}
module.exports = { add, twice };
`;
const BASE_CALC = `function add(a, b) {
  if (typeof a !== 'number') throw new TypeError('a must be a number');
  return a + b;
}
module.exports = { add };
`;
const PACKAGE = '{ "name": "calc", "devDependencies": { "jest": "^29" }, "scripts": { "test": "jest" } }\n';
const FILES = [{ path: 'src/calc.js', language: 'javascript', changed_lines: [5, 6, 7], symbols: [
  { name: 'add', kind: 'function', start_line: 1, end_line: 4, is_new: false },
  { name: 'twice', kind: 'function', start_line: 5, end_line: 7, is_new: true },
] }];

function junitIds(xml) {
  const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)].map((m) => `${unescape(m[1])}::${unescape(m[2])}`);
}

test('a jest repository gets jest tests, run with jest, JUnit ids matching the manifest', { skip }, () => {
  const root = workspace({
    'head/package.json': PACKAGE, 'head/src/calc.js': CALC, 'base/package.json': PACKAGE, 'base/src/calc.js': BASE_CALC,
  }, { has_base: true, reruns: 2, step_timeout_secs: 60, files: FILES });
  try {
    const run = runHarness(root, { timeoutMs: 300000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.manifest.tools.jest, jest.version);
    assert.ok(run.manifest.notes.includes(`the repository uses jest: tests are generated for jest and run with jest ${jest.version} `
      + `from ${jest.from === 'deps' ? "the project's dependencies" : 'the runner image'}`), run.manifest.notes.join('\n'));
    assert.deepEqual(run.manifest.problems, []);
    assert.ok(run.manifest.generated.every((g) => g.file.endsWith('.test.js') && g.repo_path.startsWith('test/ato/')));
    const expected = run.manifest.tests.map((t) => t.id).sort();
    assert.ok(expected.length >= 3, expected.join('\n'));
    for (const k of [1, 2]) {
      const xml = fs.readFileSync(path.join(root, 'out', 'junit', `run-${k}.xml`), 'utf8');
      assert.deepEqual(junitIds(xml).sort(), expected, `run ${k}`);
      assert.doesNotMatch(xml, /<failure|<error/, xml);
    }
    const lcov = fs.readFileSync(path.join(root, 'out', 'coverage', 'lcov.info'), 'utf8');
    assert.match(lcov, /^SF:src\/calc\.js$/m);
    assert.match(lcov, /^DA:6,[1-9]/m, 'twice ran');
    assert.deepEqual(shapeErrors(run.coverage, 'coverage.json'), []);
    const calc = run.coverage.files.find((f) => f.path === 'src/calc.js');
    assert.ok(calc.executed.includes(6), 'twice ran, in coverage.json too');
    assert.deepEqual(shapeErrors(run.manifest, 'manifest.json'), []);
    assert.ok(!fs.existsSync(path.join(root, 'head', 'test')), 'test/ato/ is removed from the head tree');
  } finally {
    cleanup(root);
  }
});

test('jest-style candidates are validated with jest', { skip }, () => {
  const root = workspace({
    'head/package.json': PACKAGE,
    'head/src/calc.js': CALC,
    'candidates/calc.good.test.js': "const { twice } = require('./calc');\n"
      + "describe('twice', () => { test('doubles', () => { expect(twice(2)).toBe(4); }); });\n",
    'candidates/calc.wrong.test.js': "const { twice } = require('./calc');\ntest('wrong', () => { expect(twice(2)).toBe(5); });\n",
  }, {
    mode: 'validate', reruns: 2, step_timeout_secs: 60, files: FILES,
    candidates: [
      { id: 'good', file: 'candidates/calc.good.test.js', target: 'src/calc.js::twice' },
      { id: 'wrong', file: 'candidates/calc.wrong.test.js', target: 'src/calc.js::twice' },
    ],
  });
  try {
    const run = runHarness(root, { timeoutMs: 300000 });
    assert.equal(run.status, 0, run.stderr);
    const [good, wrong] = run.validation.candidates;
    assert.deepEqual(good, { id: 'good', collected: true, tests: 1, runs: ['passed', 'passed'], error: null,
      covered: { 'src/calc.js': [5, 6, 7, 8] }, framework: 'jest', placed_as: 'src/calc.good.test.js' });
    assert.equal(wrong.collected, true);
    assert.deepEqual(wrong.runs, ['failed', 'failed']);
    assert.equal(wrong.error, 'wrong: Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 5\n'
      + 'Received: 4\n    at Object.<anonymous> (candidates/calc.wrong.test.js:2:40)');
  } finally {
    cleanup(root);
  }
});
