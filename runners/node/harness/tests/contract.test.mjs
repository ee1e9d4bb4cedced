// The runner contract (runners/contract/): the example plans load, what the harness writes follows the other
// examples' shape, and lcov and eslint's reports (what the host used to parse itself) convert into ato's
// coverage.json and findings.json. fixtures/lcov.info and fixtures/eslint.json are in the formats node's lcov
// reporter and eslint -f json write; the repository's sample runner outputs hold their conversion.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlan } from '../ato_harness/plan.mjs';
import { Manifest, PROTOCOL_VERSION } from '../ato_harness/manifest.mjs';
import { coverageFromLcov, findingsFromEslint, repoPath } from '../ato_harness/coverage_findings.mjs';
import { contractDir, example, shapeErrors } from './contract_shape.mjs';
import { workspace, runHarness, cleanup } from './support.mjs';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

test('the example plans load, run and validate mode', () => {
  const run = parsePlan(fs.readFileSync(path.join(contractDir(), 'plan.json'), 'utf8'));
  assert.equal(run.mode, 'generate');
  assert.deepEqual([run.seed, run.reruns, run.stepTimeoutSecs, run.hasBase, run.builtin], [1234, 3, 60, true, true]);
  assert.deepEqual(run.files.map((f) => [f.path, f.language, f.changedLines.length, f.symbols.length]),
    [['pkg/calc.py', 'python', 6, 3], ['src/pkg/util.py', 'python', 2, 0]]);
  assert.deepEqual(run.files[0].symbols[2], { name: 'Stack.push', kind: 'method', startLine: 10, endLine: 13,
    isNew: true });
  const validate = parsePlan(JSON.stringify(example('plan-validate.json')));
  assert.equal(validate.mode, 'validate');
  assert.equal(validate.builtin, false);
  assert.deepEqual(validate.candidates.map((c) => c.id), ['c1', 'c2-b']);
});

test('every example speaks this protocol and follows its own shape', () => {
  for (const name of ['plan.json', 'plan-validate.json', 'manifest.json', 'validation.json', 'coverage.json',
    'findings.json']) {
    assert.equal(example(name).protocol, PROTOCOL_VERSION, name);
    assert.deepEqual(shapeErrors(example(name), name), [], name);
  }
});

test('a full manifest follows the example, and the checker names what does not', () => {
  const manifest = new Manifest({ node: '20.19.2', eslint: '6.4.0' });
  manifest.generatedFile('tests/ato.slug.smoke.test.mjs', 'test/ato/ato.slug.smoke.test.mjs');
  manifest.test('test::slugify exports a function', 'tests/ato.slug.smoke.test.mjs', 'smoke', 'src/slug.js::slugify');
  manifest.test('test::module loads', 'tests/ato.slug.smoke.test.mjs', 'smoke', null);
  manifest.behaviourChange('src/slug.js', 'slugify', "slugify('A B')", { kind: 'returned', value: "'a-b'" },
    { kind: 'raised', error: 'TypeError', message: 'x' });
  manifest.problem('syntax_error', 'Unexpected token', 'src/broken.js', 2, { sameOnBase: false });
  manifest.problem('import_error', "loading src/x.js: Error: Cannot find package 'left-pad'", 'src/x.js', 1,
    { missingModule: 'left-pad', sameOnBase: true });
  manifest.problem('tool', 'eslint failed');
  manifest.note('a note');
  const document = JSON.parse(JSON.stringify(manifest));
  assert.deepEqual(shapeErrors(document, 'manifest.json'), []);
  document.tools.node = 20;
  document.extra = true;
  delete document.notes;
  assert.deepEqual(shapeErrors(document, 'manifest.json'), [
    "$: no field 'notes'",
    "$: unknown field 'extra'",
    '$.tools.node: integer where the contract has string',
  ]);
});

test('lcov: DA records by file, paths relative to the head tree, BRDA outcomes per line', () => {
  const text = 'TN:\nSF:/work/head/src/a.js\nFN:1,f\nDA:1,3\nDA:2,0\nDA:3,1,abc\nDA:bad\n'
    + 'BRDA:1,0,0,2\nBRDA:1,0,1,-\nBRDA:3,1,0,0\nend_of_record\nSF:src/b.js\nDA:1,0\nend_of_record\n';
  const document = coverageFromLcov(text);
  assert.deepEqual(shapeErrors(document, 'coverage.json'), []);
  assert.deepEqual(document.files, [
    { path: 'src/a.js', executed: [1, 3], missing: [2],
      branches: [{ line: 1, taken: 1, total: 2 }, { line: 3, taken: 0, total: 1 }] },
    { path: 'src/b.js', executed: [], missing: [1], branches: [] },
  ]);
});

test('the sample lcov converts', () => {
  const [slug, util] = coverageFromLcov(fixture('lcov.info')).files;
  const changed = [1, 2, 3, 9, 10];
  assert.deepEqual(changed.filter((n) => slug.executed.includes(n)), [1, 2, 3]);
  assert.deepEqual(changed.filter((n) => slug.missing.includes(n)), [9, 10]);
  assert.equal(slug.path, 'src/slug.js');
  assert.deepEqual([util.path, util.executed, util.missing], ['src/util.js', [1], [2]]);
});

test('eslint: rules, severities, a parse error as rule parse-error, paths relative to the head tree', () => {
  const results = [{ filePath: '/work/head/pkg/calc.py', messages: [
    { ruleId: 'eqeqeq', severity: 1, message: 'use ===', line: 18 },
    { ruleId: null, fatal: true, severity: 2, message: 'Parsing error', line: 3 },
    { ruleId: 'no-undef', severity: 2, message: 'x is not defined' },
  ] }];
  const document = findingsFromEslint(results);
  assert.deepEqual(shapeErrors(document, 'findings.json'), []);
  assert.deepEqual(document.findings.map((f) => [f.path, f.rule, f.severity, f.line, f.lines]), [
    ['pkg/calc.py', 'eqeqeq', 'low', 18, [18]],
    ['pkg/calc.py', 'parse-error', 'high', 3, [3]],
    ['pkg/calc.py', 'no-undef', 'medium', 0, [0]],
  ]);
  assert.throws(() => findingsFromEslint({ results: [] }), /not an array/);
  assert.throws(() => findingsFromEslint([{ messages: [] }]), /without its filePath/);
});

test('the sample eslint report converts', () => {
  const { findings } = findingsFromEslint(JSON.parse(fixture('eslint.json')));
  assert.deepEqual(findings.map((f) => [f.path, f.rule, f.line, f.severity]), [
    ['src/slug.js', 'no-unused-vars', 3, 'medium'],
    ['src/slug.js', 'eqeqeq', 9, 'low'],
    ['src/broken.js', 'parse-error', 2, 'high'],
  ]);
});

test('tool paths become paths of the repository', () => {
  assert.equal(repoPath('/work/head/src/a.js'), 'src/a.js');
  assert.equal(repoPath('././src/a.js'), 'src/a.js');
  assert.equal(repoPath('/tmp/w/head/src/a.js', '/tmp/w/head/'), 'src/a.js');
  assert.equal(repoPath('/elsewhere/a.js'), '/elsewhere/a.js');
});

test('a whole run writes a manifest, coverage.json and findings.json that follow the examples', () => {
  const slug = "export function slugify(s) {\n  if (s == null) return '';\n  const unused = 1;\n"
    + "  return s.toLowerCase().split(' ').join('-');\n}\n";
  const root = workspace({ 'head/src/slug.mjs': slug }, { files: [{ path: 'src/slug.mjs', language: 'javascript',
    changed_lines: [1, 2, 3, 4], symbols: [{ name: 'slugify', kind: 'function', start_line: 1, end_line: 5,
      is_new: true }] }], reruns: 1 });
  try {
    const run = runHarness(root, { timeoutMs: 300000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(shapeErrors(run.manifest, 'manifest.json'), []);
    assert.deepEqual(shapeErrors(run.coverage, 'coverage.json'), []);
    const covered = run.coverage.files.find((f) => f.path === 'src/slug.mjs');
    assert.ok(covered && covered.executed.includes(1), JSON.stringify(run.coverage));
    assert.deepEqual(shapeErrors(run.findings, 'findings.json'), []);
    assert.ok(run.findings.findings.some((f) => f.path === 'src/slug.mjs' && f.rule === 'no-unused-vars'),
      JSON.stringify(run.findings));
  } finally {
    cleanup(root);
  }
});
