// Debian's TypeScript compiler (node-typescript), loaded lazily: it takes a few hundred milliseconds and only
// TypeScript targets and source facts need it.
//
// It is compiled from its source text without its `sourceMappingURL` comment: Debian ships typescript.js
// without the map it names, and node's test coverage stops at the first module whose map is missing
// ("Cannot read properties of null (reading 'sourcesContent')"), which would lose the coverage of every
// file of a run that loads TypeScript.

import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let cached;

function load() {
  const file = require.resolve('typescript');
  const source = fs.readFileSync(file, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/gm, '');
  const wrapper = vm.runInThisContext(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: 'ato-typescript.js' },
  );
  const module = { exports: {} };
  wrapper(module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

/** The `typescript` module, or null when it is not installed. */
export function typescript() {
  if (cached === undefined) {
    try {
      cached = load();
    } catch {
      cached = null;
    }
  }
  return cached;
}

/** The ScriptKind for a file name. */
export function scriptKind(ts, fileName) {
  if (/\.tsx$/i.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.(ts|mts|cts)$/i.test(fileName)) return ts.ScriptKind.TS;
  if (/\.jsx$/i.test(fileName)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

export function isTypeScriptPath(p) {
  return /\.(ts|tsx|mts|cts)$/i.test(p) && !/\.d\.(ts|mts|cts)$/i.test(p);
}
