// Where a candidate test module is put to run, and which framework it is written for.
//
// A candidate imports the PR's code the way a user's test would: `./calc.js` or `../src/calc.js` relative to
// its own folder, a bare specifier for a dependency or for the package itself. It is copied next to its
// target file inside the head tree (`src/calc.js::add` → `src/<candidate's file name>`), so a specifier
// relative to the target's folder resolves, the package's `"type"` decides its module format as it would for
// a test the user adds there, and node_modules (the linked dependencies) is found by the usual lookup.

import path from 'node:path';

/** The file extensions a candidate may have: node runs them directly or through the TypeScript hooks. */
export const CANDIDATE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/** `src/calc.js::add` → `src/calc.js`; null when the target names no file path. */
export function targetFile(target) {
  if (typeof target !== 'string' || target === '') return null;
  const file = target.split('::')[0];
  if (file === '' || file.startsWith('/') || file.split('/').includes('..')) return null;
  return file;
}

/**
 * The path (relative to the head tree) the candidate is copied to: next to its target file, under the
 * candidate's own file name; `ato-<id>-<name>` instead when that name is taken by a file of the tree (the
 * tree's own file is never overwritten). `exists(rel)` says whether a path of the head tree exists.
 */
export function placement(candidate, exists) {
  const folder = path.posix.dirname(targetFile(candidate.target) ?? 'x');
  const name = path.posix.basename(candidate.file);
  const plain = folder === '.' ? name : `${folder}/${name}`;
  if (!exists(plain)) return plain;
  const prefixed = `ato-${candidate.id}-${name}`;
  return folder === '.' ? prefixed : `${folder}/${prefixed}`;
}

/** Does the candidate's file name end with an extension node can run? */
export function runnableExtension(file) {
  return CANDIDATE_EXTENSIONS.some((ext) => file.endsWith(ext));
}

const IMPORTS = (name) => new RegExp(`(?:from\\s*|import\\s*\\(\\s*|require\\s*\\(\\s*|import\\s+)['"]${name}['"]`);

/**
 * The framework a candidate is written for: `node:test` when it imports node's runner, `vitest` when it
 * imports vitest, `jest` when it imports @jest/globals; a module that uses the global `test`/`it`/`describe`
 * without importing them is written for the repository's own framework (`repoFramework`, jest or vitest),
 * jest when the repository has none of the two (its globals are jest's).
 */
export function candidateFramework(source, repoFramework = null) {
  const text = String(source);
  if (IMPORTS('node:test').test(text) || IMPORTS('test').test(text)) return 'node:test';
  if (IMPORTS('vitest').test(text)) return 'vitest';
  if (IMPORTS('@jest/globals').test(text)) return 'jest';
  if (/(^|[^.\w$])(test|it|describe)\s*(\.\s*(each|only|skip|todo|concurrent)\s*)?\(/m.test(text)) {
    return repoFramework === 'vitest' ? 'vitest' : 'jest';
  }
  return 'node:test';
}
