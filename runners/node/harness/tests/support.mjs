// Helpers of the harness tests: a throw-away workspace laid out as the host lays /work (plan.json, head/,
// candidates/), and a run of the real harness on it in a child process, as the container runs it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '../ato_harness/manifest.mjs';

const HARNESS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'ato_harness', 'main.mjs');

/** A workspace with `files` (path relative to the workspace → text) and a plan made from `plan`. */
export function workspace(files, plan) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ato-harness-test-'));
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  fs.mkdirSync(path.join(root, 'head'), { recursive: true });
  fs.writeFileSync(path.join(root, 'plan.json'), JSON.stringify({
    protocol: PROTOCOL_VERSION, runner: 'node', seed: 7, reruns: 3, step_timeout_secs: 20, has_base: false, files: [], ...plan,
  }));
  return root;
}

/** Runs the harness in `root`; returns the exit code and the JSON files it wrote. */
export function runHarness(root, { timeoutMs = 120000 } = {}) {
  const env = { PATH: process.env.PATH, HOME: root, TMPDIR: root };
  const result = spawnSync(process.execPath, [HARNESS], { cwd: root, env, encoding: 'utf8', timeout: timeoutMs });
  const read = (rel) => {
    const file = path.join(root, 'out', rel);
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
  };
  return { status: result.status, stderr: result.stderr, manifest: read('manifest.json'), validation: read('validation.json'),
    coverage: read('coverage.json'), findings: read('findings.json') };
}

export function cleanup(root) {
  fs.rmSync(root, { recursive: true, force: true });
}
