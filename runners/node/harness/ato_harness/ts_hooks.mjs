// Module hooks (module.register) that let node load the PR's TypeScript: `.ts` files are loaded with their
// types blanked out (or compiled by tsc when they use syntax that is more than types), and the specifiers
// TypeScript allows but node does not resolve (`./util`, `./util.js` for `util.ts`, a folder's index) are
// resolved the way tsc would.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stripTypes, transpile } from './ts_strip.mjs';

const TS_FILE = /\.(ts|tsx|mts|cts)$/i;
const CANDIDATE_SUFFIXES = ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '/index.ts', '/index.tsx', '/index.js',
  '/index.mjs'];

function isFile(url) {
  try {
    return fs.statSync(fileURLToPath(url)).isFile();
  } catch {
    return false;
  }
}

function candidates(specifier) {
  const out = [];
  const swapped = specifier.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts').replace(/\.cjs$/, '.cts')
    .replace(/\.jsx$/, '.tsx');
  if (swapped !== specifier) out.push(swapped, swapped.replace(/\.ts$/, '.tsx'));
  for (const suffix of CANDIDATE_SUFFIXES) out.push(specifier + suffix);
  return out;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/');
    if (!relative || !context.parentURL?.startsWith('file:')) throw err;
    for (const candidate of candidates(specifier)) {
      const url = new URL(candidate, context.parentURL).href;
      if (isFile(url)) return { url, shortCircuit: true, format: TS_FILE.test(url) ? 'module' : undefined };
    }
    throw err;
  }
}

/**
 * Blanked code keeps every line where it was; an inline source map saying so (line N → line N) lets node's
 * coverage, which insists on a map for code a hook produced, report the TypeScript file's own lines.
 */
export function withIdentityMap(code, original, url) {
  // A final newline starts no line of its own for node's coverage: mapping past it breaks the report.
  const lines = Math.max(1, original.replace(/\r?\n$/, '').split('\n').length);
  const mappings = ['AAAA', ...Array.from({ length: lines - 1 }, () => 'AACA')].join(';');
  const map = { version: 3, sources: [url], sourcesContent: [original], names: [], mappings };
  const encoded = Buffer.from(JSON.stringify(map)).toString('base64');
  return `${code}\n//# sourceMappingURL=data:application/json;base64,${encoded}\n`;
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS_FILE.test(new URL(url).pathname)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const source = fs.readFileSync(file, 'utf8');
  const stripped = stripTypes(source, file);
  const code = stripped.code === null ? transpile(source, file) : withIdentityMap(stripped.code, source, url);
  return { format: 'module', source: code, shortCircuit: true };
}
