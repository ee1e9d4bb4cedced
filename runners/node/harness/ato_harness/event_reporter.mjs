// A node:test reporter (`--test-reporter=<this file>`) that writes the events the validate mode reads, one
// JSON object per line: which tests started and how they ended, the failure of each, the stderr of the test
// file's process and, with `--experimental-test-coverage`, the lines each file of the head tree executed.
//
// It runs in the `node --test` parent, not in the process that loads the candidate, so a candidate that
// spins or is killed still leaves the events reported before it stopped. The JUnit reporter says too little
// (no nesting, no suites, no per-file stderr) and the lcov reporter cannot be tied to one candidate.

import { fileURLToPath } from 'node:url';
import { formatFailure } from './failure_text.mjs';

/** Coverage is kept only for files under this folder (the head tree), outside node_modules. */
export const COVERAGE_ROOT_ENV = 'ATO_COVERAGE_ROOT';
const STDERR_CAP = 16 * 1024;

function coverageFiles(summary, root) {
  const files = [];
  for (const file of summary?.files ?? []) {
    const p = String(file.path ?? '');
    if (!root || !p.startsWith(`${root}/`) || p.includes('/node_modules/')) continue;
    const lines = (file.lines ?? []).filter((l) => l.count > 0).map((l) => l.line);
    files.push({ path: p, lines });
  }
  return files;
}

/** The test file's path: Node.js 18 names an ES module's file by its URL in the events of its tests. */
function filePath(file) {
  if (typeof file !== 'string' || !file.startsWith('file:')) return file ?? null;
  try {
    return fileURLToPath(file);
  } catch {
    return file;
  }
}

/** Turns one test-runner event into the compact record validate reads, or null for events it ignores. */
export function record(event, root = process.env[COVERAGE_ROOT_ENV]) {
  const d = { ...event.data, file: filePath(event.data?.file) };
  switch (event.type) {
    case 'test:dequeue':
      return { event: 'start', name: d.name, nesting: d.nesting, file: d.file };
    case 'test:pass':
    case 'test:fail':
      return {
        event: event.type === 'test:pass' ? 'pass' : 'fail',
        name: d.name,
        nesting: d.nesting,
        file: d.file,
        suite: d.details?.type === 'suite',
        skip: d.skip !== undefined && d.skip !== false,
        todo: d.todo !== undefined && d.todo !== false,
        ...(event.type === 'test:fail' ? { failure: formatFailure(d.details?.error) } : {}),
      };
    case 'test:stderr':
      return { event: 'stderr', file: d.file, message: String(d.message ?? '') };
    case 'test:coverage':
      return { event: 'coverage', files: coverageFiles(d.summary, root) };
    default:
      return null;
  }
}

export default async function* eventReporter(source) {
  let stderr = 0;
  for await (const event of source) {
    const rec = record(event);
    if (!rec) continue;
    if (rec.event === 'stderr') {
      if (stderr >= STDERR_CAP) continue;
      rec.message = rec.message.slice(0, STDERR_CAP - stderr);
      stderr += rec.message.length;
    }
    yield `${JSON.stringify(rec)}\n`;
  }
}
