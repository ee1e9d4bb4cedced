// Runs the generated tests with `node --test` (or the repository's jest or vitest, runToolTests), `reruns`
// times: run 1 in plain order with coverage (lcov), later runs with the files and the tests inside them
// shuffled by the plan's seed, so order-dependent tests show up as flaky. Each run writes
// out/junit/run-K.xml; each run is one step with the step's time limit. Run 1's lcov is converted into ato's
// out/coverage.json.

import fs from 'node:fs';
import path from 'node:path';
import { runNode, nodeFlags, describeEnd } from './processes.mjs';
import { rng, shuffled } from './random.mjs';
import { TS_REGISTER } from './workspace.mjs';
import { ROOT_ENV, REPO_TESTS_DIR } from './testfile.mjs';
import { runTool } from './tool_runs.mjs';
import { nodeTestArgs } from './node_test_command.mjs';
import { reportToJunit } from './tool_results.mjs';
import { coverageFromLcov } from './coverage_findings.mjs';
import { writeJsonAtomic } from './manifest.mjs';

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
    const reporters = [['junit', junit]];
    if (k === 1) reporters.push(['lcov', lcov]);
    const args = nodeTestArgs({ files: order.map((name) => path.join(dir, name)), reporters, timeoutMs: perTestMs,
      concurrency: k > 1 ? 1 : undefined, coverage: k === 1 });
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
 * Runs `files` written for jest or vitest (`style.framework`, with `style.tool`): they are put where the
 * patch of "tests you can add" puts them (test/ato/ in the head tree), so the project's own configuration
 * finds them as it would in the repository, rewritten for each run in that run's order, and removed after
 * the last run. The tool's JSON report becomes out/junit/run-K.xml; run 1's lcov becomes the coverage.
 */
export async function runToolTests(ws, manifest, files, plan, style,
  { excluded = new Set(), vitestCoverage = false } = {}) {
  if (files.length === 0) return;
  const junitDir = path.join(ws.out, 'junit');
  fs.mkdirSync(junitDir, { recursive: true });
  const dir = path.join(ws.head, REPO_TESTS_DIR);
  // The first folder of test/ato/ the tree lacks is removed again at the end.
  const parts = REPO_TESTS_DIR.split('/');
  const created = parts.map((_, i) => path.join(ws.head, ...parts.slice(0, i + 1))).find((p) => !fs.existsSync(p));
  fs.mkdirSync(dir, { recursive: true });
  const paths = files.map((f) => path.join(dir, f.name));
  const testTimeoutMs = Math.max(1000, Math.floor((plan.stepTimeoutSecs * 1000) / 3));
  if (style.framework === 'vitest' && !vitestCoverage) {
    manifest.note('vitest runs without coverage: @vitest/coverage-v8 is not installed');
  }
  try {
    for (let k = 1; k <= plan.reruns; k += 1) {
      const next = rng(plan.seed + k * 7919);
      for (const [i, file] of files.entries()) {
        const order = k === 1 ? undefined : shuffled(next, file.tests.map((_, j) => j));
        fs.writeFileSync(paths[i], file.render(order));
      }
      const order = k === 1 ? paths : shuffled(next, paths);
      const { report, lcov, problem, result } = await runTool(ws, plan, style.framework, style.tool, order,
        { k, testTimeoutMs, vitestCoverage, label: 'tests' });
      if (report) {
        fs.writeFileSync(path.join(junitDir, `run-${k}.xml`), reportToJunit(report, ws.head));
        const ran = new Set(report.testResults.map((t) => t.name));
        const skipped = files.filter((_, i) => !ran.has(paths[i])).map((f) => f.repoPath);
        if (k === 1 && skipped.length) {
          manifest.problem('tool', `${style.framework} did not run ${skipped.join(', ')}: the project's `
            + `${style.framework} configuration does not count ${REPO_TESTS_DIR}/ as tests`);
        }
      } else {
        manifest.problem(result.timedOut ? 'timeout' : 'tool', problem);
      }
      if (k === 1 && lcov) writeCoverage(ws, lcov, excluded);
    }
  } finally {
    for (const p of paths) fs.rmSync(p, { force: true });
    if (created) fs.rmSync(created, { recursive: true, force: true });
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

/** Run 1's lcov, as out/coverage/lcov.info and converted into ato's out/coverage.json. */
function writeCoverage(ws, text, excluded) {
  const dir = path.join(ws.out, 'coverage');
  fs.mkdirSync(dir, { recursive: true });
  const lcov = rewriteLcov(text, ws.head, excluded);
  fs.writeFileSync(path.join(dir, 'lcov.info'), lcov);
  writeJsonAtomic(path.join(ws.out, 'coverage.json'), coverageFromLcov(lcov, ws.head));
}
