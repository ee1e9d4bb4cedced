// Debian's TypeScript compiler (node-typescript), loaded lazily: it takes a few hundred milliseconds and only
// TypeScript targets and source facts need it.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let cached;

/** The `typescript` module, or null when it is not installed. */
export function typescript() {
  if (cached === undefined) {
    try {
      cached = require('typescript');
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
