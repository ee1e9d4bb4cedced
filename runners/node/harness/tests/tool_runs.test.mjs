// The jest and vitest command lines, and lcov hits.

import test from 'node:test';
import assert from 'node:assert/strict';
import { toolCommand, lcovHits } from '../ato_harness/tool_runs.mjs';

const opts = { files: ['/work/head/test/ato/a.test.js'], reportFile: '/tmp/r.json', testTimeoutMs: 20000,
  cacheDir: '/tmp/cache' };

test('jest: JSON report, in band, exact paths, vm modules; coverage as lcov on run 1', () => {
  const jest = { bin: '/deps/node/node_modules/jest/bin/jest.js' };
  const plain = toolCommand('jest', jest, { ...opts, coverageDir: null });
  assert.deepEqual(plain.args, ['/deps/node/node_modules/jest/bin/jest.js', '--ci', '--json', '--outputFile=/tmp/r.json',
    '--runInBand', '--forceExit', '--watchman=false', '--passWithNoTests', '--testTimeout=20000',
    '--cacheDirectory=/tmp/cache', '--runTestsByPath', '/work/head/test/ato/a.test.js']);
  assert.match(plain.nodeOptions, /--experimental-vm-modules/);
  const covered = toolCommand('jest', jest, { ...opts, coverageDir: '/tmp/cov' });
  assert.deepEqual(covered.args.slice(10, 14), ['--coverage', '--coverageProvider=v8', '--coverageReporters=lcov',
    '--coverageDirectory=/tmp/cov']);
});

test('vitest: run, JSON report; coverage only with its v8 package', () => {
  const vitest = { bin: '/usr/local/lib/node_modules/vitest/vitest.mjs' };
  const args = toolCommand('vitest', vitest, { ...opts, coverageDir: '/tmp/cov' }).args;
  assert.deepEqual(args, ['/usr/local/lib/node_modules/vitest/vitest.mjs', 'run', '/work/head/test/ato/a.test.js',
    '--reporter=json', '--outputFile=/tmp/r.json', '--passWithNoTests', '--testTimeout=20000']);
  const withCoverage = toolCommand('vitest', vitest, { ...opts, coverageDir: '/tmp/cov', vitestCoverage: true }).args;
  assert.deepEqual(withCoverage.slice(7), ['--coverage.enabled=true', '--coverage.provider=v8', '--coverage.reporter=lcov',
    '--coverage.reportsDirectory=/tmp/cov']);
  assert.throws(() => toolCommand('mocha', vitest, opts), /no test tool for mocha/);
});

test('lcov hits: lines with a count, relative paths resolved from the head tree', () => {
  const text = 'TN:\nSF:src/calc.js\nDA:1,1\nDA:2,0\nDA:3,5\nend_of_record\nSF:/work/head/lib/x.js\nDA:7,2\nend_of_record\n';
  assert.deepEqual([...lcovHits(text, '/work/head')], [['/work/head/src/calc.js', [1, 3]], ['/work/head/lib/x.js', [7]]]);
});
