// eslint on the changed files, with the repository's configuration when eslint 6 can read it (.eslintrc.* or
// package.json "eslintConfig"), else ato's default (eslint:recommended and a few safety rules). eslint's own
// out/static/eslint.json is converted into ato's out/findings.json, from which the host maps the findings to
// changed lines.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode, nodeFlags, describeEnd } from './processes.mjs';
import { isTypeScriptPath } from './typescript.mjs';
import { findingsFromEslint } from './coverage_findings.mjs';
import { writeJsonAtomic } from './manifest.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LEGACY_CONFIGS = ['.eslintrc', '.eslintrc.js', '.eslintrc.cjs', '.eslintrc.json', '.eslintrc.yaml', '.eslintrc.yml'];
const FLAT_CONFIGS = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts'];

/** Which configuration the repository has: `legacy`, `flat` or null. */
export function repoConfig(head) {
  if (LEGACY_CONFIGS.some((f) => fs.existsSync(path.join(head, f)))) return 'legacy';
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(head, 'package.json'), 'utf8'));
    if (pkg && typeof pkg === 'object' && pkg.eslintConfig) return 'legacy';
  } catch {
    // no package.json, or not JSON: no configuration there
  }
  if (FLAT_CONFIGS.some((f) => fs.existsSync(path.join(head, f)))) return 'flat';
  return null;
}

export async function runEslint(ws, manifest, targets, plan, eslintVersion, excluded = new Set()) {
  const files = targets.filter((t) => !excluded.has(t.path) && fs.existsSync(path.join(ws.head, t.path)))
    .map((t) => ({ path: t.path, typescript: isTypeScriptPath(t.path) }));
  if (files.length === 0) return;
  const config = repoConfig(ws.head);
  if (config === 'flat') {
    manifest.note(`eslint: the repository's flat configuration (eslint.config.*) needs eslint 8.21 or newer; `
      + `this image has eslint ${eslintVersion}, so ato's default rules were used`);
  }
  const request = path.join(ws.scratch, 'eslint-request.json');
  fs.writeFileSync(request, JSON.stringify({
    head: ws.head,
    files,
    useRepoConfig: config === 'legacy',
    defaultConfig: path.join(HERE, 'eslint-default.json'),
    output: path.join(ws.out, 'static', 'eslint.json'),
  }));
  const result = await runNode(nodeFlags([path.join(HERE, 'eslint_child.cjs'), request]), {
    cwd: ws.head,
    env: { TMPDIR: ws.scratch },
    timeoutSecs: plan.stepTimeoutSecs,
  });
  const done = result.events.find((e) => e.event === 'done');
  const failed = result.events.find((e) => e.event === 'failed');
  if (done?.fallbackReason) {
    manifest.note(`eslint: the repository's configuration could not be used with eslint ${eslintVersion} `
      + `(${done.fallbackReason}); ato's default rules were used`);
  }
  if (done && config === null) manifest.note("eslint: the repository has no eslint configuration; ato's default rules were used");
  if (failed) manifest.problem('tool', `eslint failed: ${failed.message}`);
  else if (!done) {
    const kind = result.timedOut ? 'timeout' : 'tool';
    manifest.problem(kind, `eslint ${describeEnd(result, plan.stepTimeoutSecs)}`);
  } else writeFindings(ws, manifest);
}

/** eslint's out/static/eslint.json, converted into ato's out/findings.json. */
export function writeFindings(ws, manifest) {
  let findings;
  try {
    findings = findingsFromEslint(JSON.parse(fs.readFileSync(path.join(ws.out, 'static', 'eslint.json'), 'utf8')),
      ws.head);
  } catch (err) {
    manifest.problem('tool', `static/eslint.json is not eslint's JSON report: ${err.message}`);
    return;
  }
  writeJsonAtomic(path.join(ws.out, 'findings.json'), findings);
}
