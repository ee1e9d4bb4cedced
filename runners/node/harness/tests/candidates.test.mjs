// Where candidates are placed and which framework they are taken to be written for.

import test from 'node:test';
import assert from 'node:assert/strict';
import { placement, targetFile, candidateFramework, runnableExtension } from '../ato_harness/candidates.mjs';

test('a candidate goes next to its target file, under its own name', () => {
  const none = () => false;
  assert.equal(placement({ id: 'c1', file: 'candidates/calc.llm.test.mjs', target: 'src/lib/calc.js::add' }, none),
    'src/lib/calc.llm.test.mjs');
  assert.equal(placement({ id: 'c1', file: 'candidates/calc.llm.test.mjs', target: 'calc.js::add' }, none),
    'calc.llm.test.mjs');
});

test('a name the tree already has is prefixed with the candidate id; a target without a path puts it at the root', () => {
  const taken = (p) => p === 'src/calc.test.mjs';
  assert.equal(placement({ id: 'c7', file: 'candidates/calc.test.mjs', target: 'src/calc.js::add' }, taken),
    'src/ato-c7-calc.test.mjs');
  assert.equal(placement({ id: 'c2', file: 'candidates/x.test.mjs', target: null }, () => false), 'x.test.mjs');
  assert.equal(placement({ id: 'c2', file: 'candidates/x.test.mjs', target: '../etc/passwd::x' }, () => false),
    'x.test.mjs');
});

test('targetFile keeps the path before ::, refuses paths out of the tree', () => {
  assert.equal(targetFile('src/calc.ts::Stack.push'), 'src/calc.ts');
  assert.equal(targetFile('src/calc.ts'), 'src/calc.ts');
  assert.equal(targetFile('/abs/x.js::f'), null);
  assert.equal(targetFile('a/../../x.js::f'), null);
  assert.equal(targetFile(''), null);
  assert.equal(targetFile(null), null);
});

test('runnable extensions', () => {
  for (const ok of ['a.test.js', 'a.test.mjs', 'a.test.cjs', 'a.test.ts', 'a.test.mts', 'a.test.cts']) {
    assert.ok(runnableExtension(ok), ok);
  }
  for (const bad of ['a.test.py', 'a.test.jsx', 'a.test.tsx', 'a.test']) assert.ok(!runnableExtension(bad), bad);
});

test('the framework of a candidate comes from its imports, then from the repository', () => {
  assert.equal(candidateFramework("import test from 'node:test';\ntest('x', () => {});"), 'node:test');
  assert.equal(candidateFramework("const { test } = require('node:test');"), 'node:test');
  assert.equal(candidateFramework("import { describe, it } from \"node:test\";"), 'node:test');
  assert.equal(candidateFramework("import { test, expect } from 'vitest';\ntest('x', () => {});"), 'vitest');
  assert.equal(candidateFramework("import { expect, test } from '@jest/globals';"), 'jest');
  const globals = "const { add } = require('./calc');\ndescribe('add', () => { it('adds', () => expect(add(1, 2)).toBe(3)); });";
  assert.equal(candidateFramework(globals, 'jest'), 'jest');
  assert.equal(candidateFramework(globals, 'vitest'), 'vitest', 'vitest with globals: true');
  assert.equal(candidateFramework(globals, null), 'jest', 'the global test/expect are jest\'s');
  assert.equal(candidateFramework("test.each([[1]])('x %i', (n) => {});", null), 'jest');
  assert.equal(candidateFramework("import { add } from './calc.js';\nconsole.log(add(1, 2));"), 'node:test',
    'no test at all: node:test says so');
  assert.equal(candidateFramework("contest('x'); latest(1); obj.test('y');"), 'node:test', 'not a test call');
});
