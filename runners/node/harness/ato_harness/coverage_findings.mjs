// lcov and eslint's JSON report, converted into ato's own coverage and findings files (runners/PROTOCOL.md):
// the host reads one coverage format and one findings format whatever the language. Pure: text or decoded JSON
// in, the files' contents out.
//
// coverage.json: per file of the head tree, the executable lines that ran (`DA:<line>,<hits>` above zero),
// those that did not, and each branching line's outcomes (`BRDA:<line>,<block>,<branch>,<taken>`, `-` for a
// branch never evaluated). findings.json: eslint's messages with ato's severities (a fatal message, the file
// does not parse, is rule `parse-error`, high; errors are medium, warnings low).

import { PROTOCOL_VERSION, cut } from './manifest.mjs';

/** A tool's file name as a path relative to the head tree: `/work/head/src/a.js` and `./src/a.js` → `src/a.js`. */
export function repoPath(raw, head = '/work/head') {
  let p = String(raw);
  const prefix = `${head.replace(/\/+$/, '')}/`;
  if (p.startsWith(prefix)) p = p.slice(prefix.length);
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

function lineNumber(text) {
  const n = Number(String(text ?? '').trim());
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** ato's coverage.json from an lcov tracefile. Records it does not understand are skipped. */
export function coverageFromLcov(text, head = '/work/head') {
  const files = new Map();
  let current = null;
  for (const raw of String(text).split('\n')) {
    const line = raw.trim();
    if (line.startsWith('SF:')) {
      const file = repoPath(line.slice(3), head);
      if (!files.has(file)) files.set(file, { executed: new Set(), missing: new Set(), branches: new Map() });
      current = files.get(file);
    } else if (line === 'end_of_record') {
      current = null;
    } else if (current && line.startsWith('DA:')) {
      const [number, hits] = line.slice(3).split(',');
      const n = lineNumber(number);
      const count = Number(String(hits ?? '').trim());
      if (n === null || hits === undefined || Number.isNaN(count)) continue;
      (count > 0 ? current.executed : current.missing).add(n);
    } else if (current && line.startsWith('BRDA:')) {
      const fields = line.slice(5).split(',');
      const n = lineNumber(fields[0]);
      if (n === null || fields.length < 4) continue;
      const taken = Number(fields[3]);
      const before = current.branches.get(n) ?? { taken: 0, total: 0 };
      current.branches.set(n, { taken: before.taken + (taken > 0 ? 1 : 0), total: before.total + 1 });
    }
  }
  const sorted = (set) => [...set].sort((a, b) => a - b);
  return {
    protocol: PROTOCOL_VERSION,
    tool: 'lcov',
    files: [...files].map(([file, f]) => ({
      path: file,
      executed: sorted(f.executed),
      missing: sorted(f.missing),
      branches: sorted(f.branches.keys()).map((n) => ({ line: n, ...f.branches.get(n) })),
    })),
  };
}

/** ato's findings.json from eslint's `-f json` results. Throws when they are not eslint's shape. */
export function findingsFromEslint(results, head = '/work/head') {
  if (!Array.isArray(results)) throw new Error("eslint's report is not an array of files");
  const findings = [];
  for (const file of results) {
    if (file === null || typeof file !== 'object' || typeof file.filePath !== 'string') {
      throw new Error("eslint's report has a file without its filePath");
    }
    const filePath = repoPath(file.filePath, head);
    for (const m of Array.isArray(file.messages) ? file.messages : []) {
      const line = Number.isInteger(m?.line) ? m.line : 0;
      let severity = 'low';
      if (m?.fatal) severity = 'high';
      else if (m?.severity === 2) severity = 'medium';
      findings.push({
        tool: 'eslint',
        rule: typeof m?.ruleId === 'string' ? m.ruleId : 'parse-error',
        severity,
        path: filePath,
        line,
        lines: [line],
        message: cut(String(m?.message ?? '')),
      });
    }
  }
  return { protocol: PROTOCOL_VERSION, findings };
}

