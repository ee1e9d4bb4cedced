// The Node.js runner's pipeline: plan → generate (per file) → write tests → run them → eslint → manifest.
// In `validate` mode: plan → validate the candidates (validate.mjs) → validation.json and manifest.
//
// Each step is guarded: an internal error becomes a `tool` problem and the next step runs. The manifest is
// written last, whatever happened, and the process exits 0 once it is written (runners/PROTOCOL.md).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Manifest, PROTOCOL_VERSION, writeJsonAtomic } from './manifest.mjs';
import { loadPlan, PlanError } from './plan.mjs';
import { Workspace } from './workspace.mjs';
import { generateForTarget } from './target.mjs';
import { runTests, runToolTests } from './test_runs.mjs';
import { runEslint } from './eslint_check.mjs';
import { repoFramework, packageIsEsm, findTools, chooseStyle } from './framework.mjs';
import { toolRunner } from './tool_runs.mjs';
import { TestNames, junitId } from './testfile.mjs';
import { typescript } from './typescript.mjs';
import { validateCandidates, moduleTimeoutMs } from './validate.mjs';

const require = createRequire(import.meta.url);
const LANGUAGES = new Set(['javascript', 'typescript']);

function packageVersion(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return null;
  }
}

export function toolVersions(found = {}) {
  const tools = { node: process.versions.node };
  const ts = typescript();
  if (ts) tools.typescript = ts.version;
  const eslint = packageVersion('eslint');
  if (eslint) tools.eslint = eslint;
  for (const name of ['jest', 'vitest']) if (found[name]) tools[name] = found[name].version;
  return tools;
}

function describe(err) {
  const where = String(err?.stack ?? '').split('\n').find((l) => l.includes('ato_harness/'));
  const at = where ? ` (${where.trim().replace(/^at /, '').replace(/.*ato_harness\//, '').replace(/\)$/, '')})` : '';
  return `${err?.name ?? 'Error'}: ${err?.message ?? err}${at}`;
}

/** Runs one step; an internal error becomes a `tool` problem instead of ending the harness. */
async function guarded(manifest, what, step, filePath = null) {
  try {
    return await step();
  } catch (err) {
    manifest.problem('tool', `${what}: ${describe(err)}`, filePath);
    return null;
  }
}

async function pipeline(ws, manifest, tools) {
  let plan;
  try {
    plan = loadPlan(ws.plan);
  } catch (err) {
    if (err instanceof PlanError) {
      manifest.problem('tool', `bad plan: ${err.message}`);
      return;
    }
    throw err;
  }
  if (plan.mode === 'validate') {
    await validate(ws, plan, manifest, tools);
    return;
  }
  fs.mkdirSync(ws.tests, { recursive: true });
  const targets = plan.files.filter((f) => LANGUAGES.has(f.language));
  for (const other of plan.files.filter((f) => !LANGUAGES.has(f.language))) {
    manifest.note(`${other.path}: language ${other.language} is not handled by the node runner`);
  }
  const style = chooseStyle(repoFramework(ws.head), tools);
  if (style.note) manifest.note(style.note);
  const esm = packageIsEsm(ws.head);
  const names = new TestNames();
  const ctx = { compiledTs: new Set() };
  const written = [];
  if (!plan.builtin) manifest.note('the builtin generator was not asked for: only eslint ran in this container');
  for (const target of plan.builtin ? targets : []) {
    const files = await guarded(manifest, `generating tests for ${target.path}`,
      () => generateForTarget(ws, plan, manifest, target, names, ctx), target.path) ?? [];
    for (const file of files) {
      file.framework = style.framework;
      file.esm = esm;
      fs.writeFileSync(path.join(ws.tests, file.name), file.render());
      const rel = `tests/${file.name}`;
      manifest.generatedFile(rel, file.repoPath);
      for (const t of file.tests) manifest.test(junitId(t.name), rel, file.kind, t.target);
      written.push(file);
    }
  }
  if (!plan.builtin) {
    // nothing generated, nothing to run
  } else if (style.framework === 'node:test') {
    await guarded(manifest, 'running the generated tests', () => runTests(ws, manifest, written, plan, ctx.compiledTs));
  } else {
    await guarded(manifest, `running the generated tests with ${style.framework}`,
      () => runToolTests(ws, manifest, written, plan, style,
        { excluded: ctx.compiledTs, vitestCoverage: Boolean(tools.vitestCoverage) }));
  }
  await guarded(manifest, 'running eslint',
    () => runEslint(ws, manifest, targets, plan, manifest.tools.eslint ?? 'unknown', ctx.compiledTs));
}

/**
 * Validate mode: no builtin generation, characterization or eslint. validation.json has an entry for every
 * candidate whatever happens, so an internal error is written into each entry the harness did not finish.
 */
async function validate(ws, plan, manifest, tools) {
  const runners = { repoFramework: repoFramework(ws.head) };
  for (const name of ['jest', 'vitest']) {
    runners[name] = tools[name]
      ? toolRunner(name, tools[name], { vitestCoverage: Boolean(tools.vitestCoverage), testTimeoutMs: moduleTimeoutMs })
      : { available: false,
        reason: `${name} is not installed: neither in the project's dependencies nor in the runner image` };
  }
  try {
    await validateCandidates(ws, plan, manifest, runners);
  } catch (err) {
    manifest.problem('tool', `validating the candidates: ${describe(err)}`);
    const error = `the harness stopped before this candidate: ${describe(err)}`;
    const candidates = plan.candidates.map((c) => ({ id: c.id, collected: false, tests: 0, runs: [], error,
      covered: {} }));
    writeJsonAtomic(path.join(ws.out, 'validation.json'), { protocol: PROTOCOL_VERSION, candidates });
  }
}

export async function main(root = process.cwd()) {
  let ws = null;
  let manifest = new Manifest(toolVersions());
  try {
    ws = new Workspace(root);
    // After the workspace: the project's dependencies are linked, and may bring their own jest or vitest.
    const tools = findTools();
    manifest = new Manifest(toolVersions(tools));
    await pipeline(ws, manifest, tools);
  } catch (err) {
    manifest.problem('tool', `harness error: ${describe(err)}`);
  }
  try {
    manifest.write(path.join(root, 'out', 'manifest.json'));
  } finally {
    ws?.cleanup();
  }
  return 0;
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`ato harness: ${err?.stack ?? err}\n`);
  process.exit(1);
});
