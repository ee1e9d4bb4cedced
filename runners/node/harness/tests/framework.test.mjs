// Which framework generated tests are written for, and where jest and vitest are found.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoFramework, packageIsEsm, findPackage, findTools, toolFolders, chooseStyle }
  from '../ato_harness/framework.mjs';

function tree(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ato-framework-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

test('the repository framework comes from its dependencies or its test script', () => {
  const cases = [
    ['{"devDependencies":{"jest":"^29"}}', 'jest'],
    ['{"dependencies":{"vitest":"^1"}}', 'vitest'],
    ['{"scripts":{"test":"vitest run"}}', 'vitest'],
    ['{"scripts":{"test":"node --test"}}', null],
    ['{"devDependencies":{"jest-extended":"1"}}', null],
    ['not json', null],
  ];
  for (const [pkg, expected] of cases) {
    const root = tree({ 'package.json': pkg });
    try {
      assert.equal(repoFramework(root), expected, pkg);
    } finally {
      fs.rmSync(root, { recursive: true });
    }
  }
  const esm = tree({ 'package.json': '{"type":"module"}' });
  const cjs = tree({ 'package.json': '{"type":"commonjs"}' });
  try {
    assert.equal(packageIsEsm(esm), true);
    assert.equal(packageIsEsm(cjs), false);
    assert.equal(packageIsEsm(path.join(esm, 'nowhere')), false);
  } finally {
    fs.rmSync(esm, { recursive: true });
    fs.rmSync(cjs, { recursive: true });
  }
});

test('tools are taken from the project\'s dependencies first, then from the image', () => {
  const deps = tree({
    'jest/package.json': '{"name":"jest","version":"29.7.0","bin":"./bin/jest.js"}',
    'jest/bin/jest.js': '',
  });
  const image = tree({
    'jest/package.json': '{"name":"jest","version":"28.0.0","bin":"./bin/jest.js"}',
    'jest/bin/jest.js': '',
    'vitest/package.json': '{"name":"vitest","version":"1.6.0","bin":{"vitest":"./vitest.mjs"}}',
    'vitest/vitest.mjs': '',
    '@vitest/coverage-v8/package.json': '{"name":"@vitest/coverage-v8","version":"1.6.0"}',
  });
  try {
    const tools = findTools(toolFolders(deps, [image]));
    assert.deepEqual(tools.jest, { name: 'jest', version: '29.7.0', dir: path.join(deps, 'jest'),
      bin: path.join(deps, 'jest', 'bin', 'jest.js'), from: 'deps' });
    assert.deepEqual(tools.vitest, { name: 'vitest', version: '1.6.0', dir: path.join(image, 'vitest'),
      bin: path.join(image, 'vitest', 'vitest.mjs'), from: 'image' });
    assert.equal(tools.vitestCoverage.version, '1.6.0');
    const none = findTools(toolFolders(path.join(deps, 'absent'), [path.join(image, 'absent')]));
    assert.deepEqual(none, { jest: null, vitest: null, vitestCoverage: null });
  } finally {
    fs.rmSync(deps, { recursive: true });
    fs.rmSync(image, { recursive: true });
  }
});

test('a package without its command file is no tool', () => {
  const image = tree({ 'jest/package.json': '{"name":"jest","version":"29.0.0","bin":"./bin/jest.js"}' });
  try {
    assert.equal(findPackage('jest', toolFolders('/nonexistent', [image])).bin, path.join(image, 'jest/bin/jest.js'));
    assert.equal(findTools(toolFolders('/nonexistent', [image])).jest, null);
  } finally {
    fs.rmSync(image, { recursive: true });
  }
});

test('the style is the repository\'s framework when its tool is here, else node:test with a note', () => {
  const jest = { name: 'jest', version: '29.7.0', from: 'deps' };
  const vitest = { name: 'vitest', version: '1.6.0', from: 'image' };
  assert.deepEqual(chooseStyle(null, { jest, vitest }), { framework: 'node:test', tool: null, note: null });
  assert.deepEqual(chooseStyle('jest', { jest, vitest: null }), { framework: 'jest', tool: jest,
    note: "the repository uses jest: tests are generated for jest and run with jest 29.7.0 from the project's dependencies" });
  assert.deepEqual(chooseStyle('vitest', { jest: null, vitest }), { framework: 'vitest', tool: vitest,
    note: 'the repository uses vitest: tests are generated for vitest and run with vitest 1.6.0 from the runner image' });
  assert.deepEqual(chooseStyle('vitest', { jest, vitest: null }), { framework: 'node:test', tool: null,
    note: 'vitest is not installed in this image; tests use node:test' });
});
