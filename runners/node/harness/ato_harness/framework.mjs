// The repository's own test framework (jest, vitest or node:test), from package.json. Generated tests are in
// the repository's style only when its tool is installed in this image; otherwise they use node:test and a
// note says so, because a test the image cannot run cannot be checked.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function repoFramework(head) {
  let pkg;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(head, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
  if (!pkg || typeof pkg !== 'object') return null;
  const deps = { ...(pkg.dependencies ?? {}), ...(pkg.devDependencies ?? {}) };
  const testScript = String(pkg.scripts?.test ?? '');
  for (const name of ['vitest', 'jest']) {
    if (name in deps || new RegExp(`\\b${name}\\b`).test(testScript)) return name;
  }
  return null;
}

export function installed(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** The note for the report, when the generated tests are not in the repository's style. */
export function frameworkNote(head) {
  const framework = repoFramework(head);
  if (!framework) return null;
  if (installed(framework)) {
    return `the repository uses ${framework}; ato generates node:test files, which ${framework} does not run: `
      + 'run them with `node --test`';
  }
  return `${framework} is not installed in this image; tests use node:test`;
}
