// `validate` mode (runners/PROTOCOL.md): each candidate test module is copied next to its target in the head
// tree (candidates.mjs), run `reruns` times in a process of its own, and summed up in out/validation.json:
// did it load, how many tests, how each run ended, its first failure and the target lines it executed.
//
// node:test candidates run with `node --test` and the event reporter; run 1 measures coverage. node cannot
// reorder the tests inside a module from outside (node 20 has no --test-shuffle), so later runs repeat run 1
// in the same order: they catch tests that depend on time, randomness or leftover state, not on order.
// A module whose run timed out is not run again: its later runs are `missing`. Every candidate is placed
// before the first run and removed after the last, whatever happens.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PROTOCOL_VERSION, cut, writeJsonAtomic } from './manifest.mjs';
import { runNode, nodeFlags, describeEnd } from './processes.mjs';
import { TS_REGISTER } from './workspace.mjs';
import { nodeTestArgs } from './node_test_command.mjs';
import { COVERAGE_ROOT_ENV } from './event_reporter.mjs';
import { summariseRun } from './run_summary.mjs';
import { placement, runnableExtension, candidateFramework, targetFile, CANDIDATE_EXTENSIONS } from './candidates.mjs';
import { stripTypes } from './ts_strip.mjs';
import { isTypeScriptPath } from './typescript.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EVENT_REPORTER = path.join(HERE, 'event_reporter.mjs');
/** `error` is cut to this many characters (runners/PROTOCOL.md). */
export const ERROR_CAP = 4000;
const LANGUAGES = new Set(['javascript', 'typescript']);

/**
 * The time limit of one candidate module (node 20 applies `--test-timeout` to each test file as a whole as
 * well as to each test): a third of the step as in the builtin runs, but at least 5 s, because it includes
 * starting node and loading the module, and always below the step's own wall clock.
 */
export function moduleTimeoutMs(plan) {
  const step = plan.stepTimeoutSecs * 1000;
  return Math.floor(Math.min(Math.max(5000, step / 3), step * 0.9));
}

/**
 * Rewrites the paths of an error text the way the host shows them: the placed copy under its candidate
 * file's name, everything else relative to the workspace root.
 */
export function relativeError(text, { root, placedAbs, candidateFile }) {
  let out = String(text);
  if (placedAbs) {
    out = out.split(pathToFileURL(placedAbs).href).join(candidateFile).split(placedAbs).join(candidateFile);
  }
  out = out.split(`${pathToFileURL(root).href}/`).join('').split(`${root}/`).join('');
  return cut(out, ERROR_CAP);
}

/** `covered` of validation.json: executed lines of the target files only, paths relative to the head tree. */
export function coveredTargets(covered, head, targets) {
  const out = {};
  for (const [abs, lines] of covered) {
    const rel = path.relative(head, abs).split(path.sep).join('/');
    if (!targets.has(rel) || lines.length === 0) continue;
    out[rel] = [...new Set(lines)].sort((a, b) => a - b);
  }
  return out;
}

function notCollected(id, error, extra = {}) {
  return { id, collected: false, tests: 0, runs: [], error, covered: {}, ...extra };
}

/** The reporter's records; a line cut by a kill is skipped, what came before it is kept. */
export function readRecords(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const records = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      // the last line of a run that was stopped while writing it
    }
  }
  return records;
}

/**
 * node:test candidates. Run 1 runs one candidate per `node --test` (coverage is per process, so per
 * candidate); later runs give node every remaining candidate at once, which still loads each in a process of
 * its own and stops each at its own time limit, but starts the runner once instead of once per candidate.
 */
export const nodeTestRunner = {
  available: true,
  async run(ws, plan, files, k) {
    const eventsFile = path.join(ws.scratch, `validate-events-${k}.jsonl`);
    fs.rmSync(eventsFile, { force: true });
    const args = nodeTestArgs({ files, reporters: [[EVENT_REPORTER, eventsFile]], timeoutMs: moduleTimeoutMs(plan),
      concurrency: 1, coverage: k === 1 });
    const result = await runNode(args, {
      cwd: ws.head,
      env: { NODE_ENV: 'test', TMPDIR: ws.scratch, [COVERAGE_ROOT_ENV]: ws.head },
      nodeOptions: [...nodeFlags(), `--import=${TS_REGISTER}`].join(' '),
      timeoutSecs: plan.stepTimeoutSecs * files.length,
    });
    const records = readRecords(eventsFile);
    const stoppedAfterSecs = result.timedOut ? plan.stepTimeoutSecs * files.length : null;
    const summaries = new Map();
    for (const file of files) {
      const summary = summariseRun(records, file, { stoppedAfterSecs });
      if (records.length === 0 && !result.timedOut) {
        // The runner itself did not start (a crash before the first event): say how node ended.
        summary.loadError = `node ${describeEnd(result, plan.stepTimeoutSecs)}`;
        summary.error = summary.loadError;
      }
      summaries.set(file, summary);
    }
    return summaries;
  },
};

/** The target files whose executed lines are reported: JS/TS files of the plan whose lines node reports. */
function measuredTargets(ws, plan, manifest) {
  const targets = new Set();
  for (const f of plan.files.filter((t) => LANGUAGES.has(t.language))) {
    if (isTypeScriptPath(f.path)) {
      let source = null;
      try {
        source = fs.readFileSync(path.join(ws.head, f.path), 'utf8');
      } catch {
        // not in the head tree: nothing to measure
      }
      if (source !== null && stripTypes(source, f.path).unsupported) {
        manifest.note(`${f.path} is compiled with tsc (it has syntax beyond types): its lines are not attributed `
          + 'to candidates');
        continue;
      }
    }
    targets.add(f.path);
  }
  return targets;
}

/**
 * Reads a candidate, picks its framework and copies it into the head tree. Returns the candidate's state:
 * `entry` is already final when it cannot run (unreadable, not a test file, framework not available).
 */
function prepare(ws, candidate, runners) {
  const state = { candidate, entry: null, placedAbs: null, framework: null, extra: {} };
  let source;
  try {
    source = fs.readFileSync(path.join(ws.root, candidate.file), 'utf8');
  } catch (err) {
    state.entry = notCollected(candidate.id, `cannot read ${candidate.file}: ${err.code ?? err.message}`);
    return state;
  }
  if (!runnableExtension(candidate.file)) {
    state.entry = notCollected(candidate.id,
      `${candidate.file}: node runs test files ending in ${CANDIDATE_EXTENSIONS.join(', ')}`);
    return state;
  }
  state.framework = candidateFramework(source, runners.repoFramework ?? null);
  state.extra.framework = state.framework;
  const runner = runners[state.framework];
  if (!runner?.available) {
    state.entry = notCollected(candidate.id, `this candidate is written for ${state.framework}, which cannot run `
      + `here (${runner?.reason ?? 'not installed'}); write it with node:test instead`, state.extra);
    return state;
  }
  const rel = placement(candidate, (p) => fs.existsSync(path.join(ws.head, p)));
  const target = targetFile(candidate.target);
  if (target && !fs.existsSync(path.join(ws.head, target))) state.extra.note = `${target} is not in the head tree`;
  state.placedAbs = path.join(ws.head, rel);
  fs.mkdirSync(path.dirname(state.placedAbs), { recursive: true });
  fs.writeFileSync(state.placedAbs, source);
  state.extra.placed_as = rel;
  return state;
}

async function runBatch(runner, ws, plan, files, k) {
  try {
    return await runner.run(ws, plan, files, k);
  } catch (err) {
    const error = `the harness could not run this candidate: ${err?.message ?? err}`;
    return new Map(files.map((f) => [f, { tests: 0, status: 'missing', error, loadError: error, timedOut: false,
      covered: new Map() }]));
  }
}

/** Runs every prepared candidate: run 1 one by one (with coverage), the later runs in batches per framework. */
async function runAll(ws, plan, states, targets, runners) {
  const running = [];
  for (const state of states.filter((s) => s.entry === null)) {
    const first = (await runBatch(runners[state.framework], ws, plan, [state.placedAbs], 1)).get(state.placedAbs);
    if (first.tests === 0) {
      state.entry = notCollected(state.candidate.id, first.loadError ?? first.error, state.extra);
      continue;
    }
    state.entry = {
      id: state.candidate.id,
      collected: true,
      tests: first.tests,
      runs: [first.status],
      error: first.status === 'passed' ? null : first.error,
      covered: coveredTargets(first.covered, ws.head, targets),
      ...state.extra,
    };
    state.hung = first.timedOut;
    running.push(state);
  }
  for (let k = 2; k <= plan.reruns; k += 1) {
    for (const state of running.filter((s) => s.hung)) state.entry.runs.push('missing');
    const due = running.filter((s) => !s.hung);
    for (const framework of new Set(due.map((s) => s.framework))) {
      const batch = due.filter((s) => s.framework === framework);
      const results = await runBatch(runners[framework], ws, plan, batch.map((s) => s.placedAbs), k);
      for (const state of batch) {
        const again = results.get(state.placedAbs);
        state.entry.runs.push(again.status);
        if (again.status !== 'passed' && state.entry.error === null) state.entry.error = again.error;
        state.hung = again.timedOut;
      }
    }
  }
}

/**
 * Validates every candidate of the plan and writes out/validation.json, one entry per candidate in plan
 * order. `runners` maps a framework other than node:test to a runner like `nodeTestRunner`, with `available`
 * and `reason` (framework.mjs), and may give the repository's `repoFramework`; a candidate written for a
 * framework that cannot run here is not collected, with the reason.
 */
export async function validateCandidates(ws, plan, manifest, runners = {}) {
  const all = { 'node:test': nodeTestRunner, ...runners };
  const targets = measuredTargets(ws, plan, manifest);
  if (plan.reruns > 1) {
    manifest.note('node:test candidates are rerun in the same order: node cannot reorder the tests of a module');
  }
  const states = [];
  try {
    for (const candidate of plan.candidates) {
      try {
        states.push(prepare(ws, candidate, all));
      } catch (err) {
        states.push({ candidate, entry: notCollected(candidate.id, `the harness could not place this candidate: `
          + `${err?.message ?? err}`) });
      }
    }
    await runAll(ws, plan, states, targets, all);
  } finally {
    for (const state of states) if (state.placedAbs) fs.rmSync(state.placedAbs, { force: true });
  }
  const entries = states.map((state) => {
    const entry = state.entry;
    if (entry.error !== null) {
      entry.error = relativeError(entry.error,
        { root: ws.root, placedAbs: state.placedAbs, candidateFile: state.candidate.file });
    }
    return entry;
  });
  writeJsonAtomic(path.join(ws.out, 'validation.json'), { protocol: PROTOCOL_VERSION, candidates: entries });
  return entries;
}
