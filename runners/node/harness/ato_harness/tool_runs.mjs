// Running test files with jest or vitest (the repository's own framework, when framework.mjs found it):
// the command line of each, one run as a step with the step's time limit, the JSON report read back and, on
// run 1, the lcov coverage. Used for the generated tests (out/junit/run-K.xml through tool_results.mjs) and
// for validate-mode candidates written for jest or vitest.
//
// jest gets --experimental-vm-modules (its ES module support needs it, and the generated files load ES
// modules with import()), runs in band (one process, within the container's pids limit) and is told the
// exact files (--runTestsByPath). The project's own configuration applies, as when its developers run it: a
// file it does not count as a test is not run (--passWithNoTests turns that into a report without it, which
// says so, rather than a run that writes nothing).

import fs from 'node:fs';
import path from 'node:path';
import { runNode, nodeFlags, describeEnd } from './processes.mjs';
import { parseToolReport, summariseToolFile } from './tool_results.mjs';
import { ROOT_ENV } from './test_styles.mjs';

/** The lines with a hit count above zero in an lcov text, by absolute path (relative SF paths from `head`). */
export function lcovHits(text, head) {
  const hits = new Map();
  let current = null;
  for (const line of String(text).split('\n')) {
    if (line.startsWith('SF:')) {
      current = path.resolve(head, line.slice(3).trim());
      if (!hits.has(current)) hits.set(current, []);
    } else if (line.startsWith('DA:') && current) {
      const [lineNo, count] = line.slice(3).split(',').map(Number);
      if (Number.isInteger(lineNo) && count > 0) hits.get(current).push(lineNo);
    } else if (line.startsWith('end_of_record')) {
      current = null;
    }
  }
  return hits;
}

/**
 * The node arguments and NODE_OPTIONS of one run. `coverageDir` (run 1) asks for lcov coverage there;
 * `vitestCoverage` says whether vitest's v8 coverage package can be loaded.
 */
export function toolCommand(framework, tool, { files, reportFile, coverageDir, testTimeoutMs, cacheDir,
  vitestCoverage = false }) {
  if (framework === 'jest') {
    const args = [tool.bin, '--ci', '--json', `--outputFile=${reportFile}`, '--runInBand', '--forceExit',
      '--watchman=false', '--passWithNoTests', `--testTimeout=${testTimeoutMs}`, `--cacheDirectory=${cacheDir}`];
    if (coverageDir) {
      args.push('--coverage', '--coverageProvider=v8', '--coverageReporters=lcov', `--coverageDirectory=${coverageDir}`);
    }
    args.push('--runTestsByPath', ...files);
    return { args, nodeOptions: nodeFlags(['--experimental-vm-modules']).join(' ') };
  }
  if (framework === 'vitest') {
    const args = [tool.bin, 'run', ...files, '--reporter=json', `--outputFile=${reportFile}`, '--passWithNoTests',
      `--testTimeout=${testTimeoutMs}`];
    if (coverageDir && vitestCoverage) {
      args.push('--coverage.enabled=true', '--coverage.provider=v8', '--coverage.reporter=lcov',
        `--coverage.reportsDirectory=${coverageDir}`);
    }
    return { args, nodeOptions: nodeFlags().join(' ') };
  }
  throw new Error(`no test tool for ${framework}`);
}

/**
 * Runs `files` (absolute paths inside the head tree) with the tool once. Resolves with
 * `{ report, lcov, result, problem }`: the parsed JSON report (null when there is none), the lcov text of
 * run 1 (or null), the process result, and a one-line problem when the tool wrote no usable report.
 */
export async function runTool(ws, plan, framework, tool, files, { k, testTimeoutMs, vitestCoverage, label }) {
  const dir = path.join(ws.scratch, `${framework}-${label}-run-${k}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const reportFile = path.join(dir, 'report.json');
  const coverageDir = k === 1 ? path.join(dir, 'coverage') : null;
  const { args, nodeOptions } = toolCommand(framework, tool, { files, reportFile, coverageDir, testTimeoutMs,
    cacheDir: path.join(ws.scratch, `${framework}-cache`), vitestCoverage });
  const timeoutSecs = plan.stepTimeoutSecs * Math.max(1, files.length);
  const result = await runNode(args, {
    cwd: ws.head,
    env: { NODE_ENV: 'test', TMPDIR: ws.scratch, [ROOT_ENV]: ws.head, CI: 'true', FORCE_COLOR: '0' },
    nodeOptions,
    timeoutSecs,
  });
  let report = null;
  let problem = null;
  if (fs.existsSync(reportFile)) {
    try {
      report = parseToolReport(fs.readFileSync(reportFile, 'utf8'));
    } catch (err) {
      problem = `${framework} run ${k}: ${err.message}`;
    }
  } else {
    problem = `${framework} run ${k} wrote no report: ${framework} ${describeEnd(result, timeoutSecs)}`;
  }
  const lcovFile = coverageDir ? path.join(coverageDir, 'lcov.info') : null;
  const lcov = lcovFile && fs.existsSync(lcovFile) ? fs.readFileSync(lcovFile, 'utf8') : null;
  return { report, lcov, result, problem };
}

/**
 * A validate-mode runner for candidates written for `framework` (the interface of validate.mjs's
 * nodeTestRunner): each file's run summed up from the tool's report, run 1 with its coverage.
 */
export function toolRunner(framework, tool, { vitestCoverage = false, testTimeoutMs }) {
  return {
    available: true,
    async run(ws, plan, files, k) {
      const { report, lcov, result, problem } = await runTool(ws, plan, framework, tool, files,
        { k, testTimeoutMs: testTimeoutMs(plan), vitestCoverage, label: 'validate' });
      const summaries = new Map();
      for (const file of files) {
        if (!report) {
          const error = result.timedOut ? `the run did not finish within ${plan.stepTimeoutSecs * files.length}s `
            + 'and was stopped' : problem;
          summaries.set(file, { tests: 0, status: result.timedOut ? 'missing' : 'failed', error, loadError: error,
            timedOut: result.timedOut, covered: new Map() });
          continue;
        }
        const summary = summariseToolFile(report, file, framework);
        if (lcov && files.length === 1) summary.covered = lcovHits(lcov, ws.head);
        summaries.set(file, summary);
      }
      return summaries;
    },
  };
}
