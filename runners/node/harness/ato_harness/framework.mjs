// The repository's own test framework (jest, vitest or node:test, from package.json) and whether its tool
// can be run here: from the project's installed dependencies (/deps/node/node_modules, its own version)
// first, else from the image (Debian's jest in /usr/share/nodejs; vitest only where the image was built with
// the npm registry, installed globally). The generated tests are written for the repository's framework only
// when its tool is found, because a test the image cannot run cannot be checked; otherwise they use
// node:test, and a note says which was used.

import fs from 'node:fs';
import path from 'node:path';
import { DEPS_NODE_MODULES } from './workspace.mjs';

/** Where the image has packages: npm's global folder (`npm install -g`), then Debian's. */
export const IMAGE_NODE_MODULES = ['/usr/local/lib/node_modules', '/usr/share/nodejs'];
const TOOLS = ['jest', 'vitest'];

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

/** Is the head tree's package an ES module package (`"type": "module"`)? */
export function packageIsEsm(head) {
  try {
    return JSON.parse(fs.readFileSync(path.join(head, 'package.json'), 'utf8'))?.type === 'module';
  } catch {
    return false;
  }
}

function readPackage(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The package `name` in the first of `folders` that has it: `{ name, version, dir, bin, from }`, `bin` the
 * absolute path of its command (package.json "bin"), `from` `deps` or `image`. Null when none has it.
 */
export function findPackage(name, folders) {
  for (const { dir: folder, from } of folders) {
    const dir = path.join(folder, name);
    const pkg = readPackage(dir);
    if (!pkg) continue;
    const binField = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[name.split('/').pop()];
    const bin = binField ? path.join(dir, binField) : null;
    return { name, version: String(pkg.version ?? 'unknown'), dir, bin, from };
  }
  return null;
}

/** The folders searched for a tool, in order. */
export function toolFolders(deps = DEPS_NODE_MODULES, image = IMAGE_NODE_MODULES) {
  return [{ dir: deps, from: 'deps' }, ...image.map((dir) => ({ dir, from: 'image' }))];
}

/** jest and vitest as found here (`{ jest, vitest }`, each a findPackage result or null). */
export function findTools(folders = toolFolders()) {
  const out = {};
  for (const name of TOOLS) {
    const found = findPackage(name, folders);
    out[name] = found?.bin && fs.existsSync(found.bin) ? found : null;
  }
  out.vitestCoverage = findPackage('@vitest/coverage-v8', folders);
  return out;
}

function where(tool) {
  return tool.from === 'deps' ? "the project's dependencies" : 'the runner image';
}

/**
 * Which framework the generated tests are written for, and the note that says so: `{ framework, tool, note }`.
 * Pure: `framework` is the repository's (repoFramework), `tools` what findTools found.
 */
export function chooseStyle(framework, tools) {
  if (!framework) return { framework: 'node:test', tool: null, note: null };
  const tool = tools[framework];
  if (tool) {
    return {
      framework,
      tool,
      note: `the repository uses ${framework}: tests are generated for ${framework} and run with ${framework} `
        + `${tool.version} from ${where(tool)}`,
    };
  }
  // The wording the report has always had (neither the project's dependencies nor the image have it).
  const note = `${framework} is not installed in this image; tests use node:test`;
  return { framework: 'node:test', tool: null, note };
}
