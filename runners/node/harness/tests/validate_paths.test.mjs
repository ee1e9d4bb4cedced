// The pure helpers of validate.mjs: error paths, covered lines, the module time limit.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { relativeError, coveredTargets, moduleTimeoutMs, readRecords, ERROR_CAP } from '../ato_harness/validate.mjs';

test('errors name the candidate file and paths relative to the workspace', () => {
  const text = 'at x (file:///work/head/src/calc.llm.test.mjs:4:5)\nat y (/work/head/src/calc.js:2:1)\n'
    + 'at z (file:///work/head/src/calc.js:3:1)';
  assert.equal(relativeError(text, { root: '/work', placedAbs: '/work/head/src/calc.llm.test.mjs',
    candidateFile: 'candidates/calc.llm.test.mjs' }),
  'at x (candidates/calc.llm.test.mjs:4:5)\nat y (head/src/calc.js:2:1)\nat z (head/src/calc.js:3:1)');
  const long = relativeError('x'.repeat(ERROR_CAP + 50), { root: '/work', placedAbs: null, candidateFile: '' });
  assert.equal(long, `${'x'.repeat(ERROR_CAP)}… (cut)`);
});

test('covered keeps the target files only, sorted, without empty ones', () => {
  const covered = new Map([
    ['/work/head/src/calc.js', [5, 1, 2, 2]],
    ['/work/head/src/util.js', [1]],
    ['/work/head/src/empty.js', []],
  ]);
  assert.deepEqual(coveredTargets(covered, '/work/head', new Set(['src/calc.js', 'src/empty.js'])),
    { 'src/calc.js': [1, 2, 5] });
});

test('the module time limit: a third of the step, at least 5 s, below the step', () => {
  assert.equal(moduleTimeoutMs({ stepTimeoutSecs: 60 }), 20000);
  assert.equal(moduleTimeoutMs({ stepTimeoutSecs: 9 }), 5000);
  assert.equal(moduleTimeoutMs({ stepTimeoutSecs: 3 }), 2700);
});

test('the records of a run stopped while writing keep every whole line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ato-records-'));
  try {
    const file = path.join(dir, 'events.jsonl');
    fs.writeFileSync(file, '{"event":"start","name":"a"}\n\n{"event":"pass","name":"a"}\n{"event":"sta');
    assert.deepEqual(readRecords(file), [{ event: 'start', name: 'a' }, { event: 'pass', name: 'a' }]);
    assert.deepEqual(readRecords(path.join(dir, 'absent.jsonl')), []);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
