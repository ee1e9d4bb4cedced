// Runs the generated tests with `node --test`, `reruns` times: run 1 in plain order with coverage (lcov),
// later runs with the files and the tests inside them shuffled by the plan's seed, so order-dependent tests
// show up as flaky. Each run writes out/junit/run-K.xml; each run is one step with the step's time limit.

import fs from 'node:fs';
import path from 'node:path';
import { runNode, nodeFlags, describeEnd } from './processes.mjs';
import { rng, shuffled } from './random.mjs';
import { TS_REGISTER } from './workspace.mjs';
import { ROOT_ENV } from './testfile.mjs';

function runFolder(ws, k, files, seed) {
  if (k === 1) return { dir: ws.tests, order: files.map((f) => f.name) };
  const dir = path.join(ws.scratch, `run-${k}`, 'tests');
  fs.mkdirSync(dir, { recursive: true });
  const next = rng(seed + k * 7919);
  for (const file of files) {
    const order = shuffled(next, file.tests.map((_, i) => i));
    fs.writeFileSync(path.join(dir, file.name), file.render(order));
  }
  return { dir, order: shuffled(next, files.map((f) => f.name)) };
}

/**
 * Runs `files` (GeneratedTestFile, already written to out/tests/ in plain order). `excluded` are TypeScript
 * targets compiled by tsc, whose coverage lines would be wrong.
 */
export async function runTests(ws, manifest, files, plan, excluded = new Set()) {
  if (files.length === 0) return;
  const junitDir = path.join(ws.out, 'junit');
  fs.mkdirSync(junitDir, { recursive: true });
  const perTestMs = Math.max(1000, Math.floor((plan.stepTimeoutSecs * 1000) / 3));
  for (let k = 1; k <= plan.reruns; k += 1) {
    const { dir, order } = runFolder(ws, k, files, plan.seed);
    const junit = path.join(junitDir, `run-${k}.xml`);
    const lcov = path.join(ws.scratch, 'lcov.info');
    const args = ['--test', `--test-timeout=${perTestMs}`, '--test-reporter=junit',
      `--test-reporter-destination=${junit}`];
    if (k === 1) args.push('--experimental-test-coverage', '--test-reporter=lcov', `--test-reporter-destination=${lcov}`);
    if (k > 1) args.push('--test-concurrency=1');
    args.push(...order.map((name) => path.join(dir, name)));
    const result = await runNode(args, {
      cwd: ws.head,
      env: { [ROOT_ENV]: ws.head, NODE_ENV: 'test', TMPDIR: ws.scratch },
      nodeOptions: [...nodeFlags(), `--import=${TS_REGISTER}`].join(' '),
      timeoutSecs: plan.stepTimeoutSecs,
    });
    if (result.timedOut) {
      manifest.problem('timeout', `test run ${k} did not finish within ${plan.stepTimeoutSecs}s and was stopped`);
    } else if (!fs.existsSync(junit) || fs.statSync(junit).size === 0) {
      manifest.problem('tool', `test run ${k} wrote no JUnit report: node ${describeEnd(result, plan.stepTimeoutSecs)}`);
    }
    if (k === 1 && fs.existsSync(lcov)) {
      writeCoverage(ws, fs.readFileSync(lcov, 'utf8'), excluded);
    }
  }
}

/**
 * Keeps the records of files in the head tree, with paths relative to it (runners/PROTOCOL.md); drops the
 * generated tests, node_modules and files whose lines do not match their source.
 */
export function rewriteLcov(text, head, excluded = new Set()) {
  const out = [];
  let keep = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('SF:')) {
      const abs = path.resolve(head, line.slice(3).trim());
      const rel = path.relative(head, abs);
      keep = !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.split(path.sep).includes('node_modules')
        && !excluded.has(rel);
      if (keep) out.push(`SF:${rel}`);
      continue;
    }
    if (keep) out.push(line);
  }
  return `${out.join('\n').trim()}\n`;
}

function writeCoverage(ws, text, excluded) {
  const dir = path.join(ws.out, 'coverage');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'lcov.info'), rewriteLcov(text, ws.head, excluded));
}
