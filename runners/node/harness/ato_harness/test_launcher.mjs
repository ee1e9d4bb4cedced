// `node --test` for a node without node:test's junit and lcov reporters and `--test-timeout` (Node.js 18):
// `node test_launcher.mjs <request>`, the request being the JSON that node_test_command.mjs writes
// (`files`, `timeoutMs`, `concurrency`, `coverage`, `reporters`: [module path, destination] pairs).
//
// node:test's run() runs each file in a process of its own, at most `concurrency` at once (node's default
// when unset), and fails a file that is not done after `timeoutMs` with node's "test timed out" failure, as
// `--test-timeout` does for the file; its events go to every reporter, each writing its destination. With
// `coverage`, the files' processes write V8's raw coverage into a folder of their own (NODE_V8_COVERAGE), and
// once they are done one `test:coverage` event follows with Node.js 20's summary of it (v8_coverage.mjs).
// The exit code is 1 when a test failed, as node's.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { run } from 'node:test';
import { pathToFileURL } from 'node:url';
import { coverageSummary } from './v8_coverage.mjs';

const request = JSON.parse(process.argv[2]);
const coverageDir = request.coverage ? fs.mkdtempSync(path.join(os.tmpdir(), 'ato-v8-coverage-')) : null;
if (coverageDir) process.env.NODE_V8_COVERAGE = coverageDir;

const outputs = await Promise.all(request.reporters.map(async ([module, destination]) => {
  const { default: reporter } = await import(pathToFileURL(module).href);
  const input = new PassThrough({ objectMode: true });
  return { input, done: pipeline(input, reporter, fs.createWriteStream(destination)) };
}));
const emit = (event) => outputs.forEach(({ input }) => input.write(event));

let failed = false;
const events = run({ files: request.files, timeout: request.timeoutMs, concurrency: request.concurrency ?? true });
for await (const event of events) {
  if (event.type === 'test:fail' && !event.data.todo) failed = true;
  emit(event);
}
if (coverageDir) {
  try {
    emit({ type: 'test:coverage', data: { summary: coverageSummary(coverageDir, process.cwd()), nesting: 0 } });
  } catch (err) {
    emit({ type: 'test:diagnostic', data: { nesting: 0, message: `Warning: Could not report code coverage. ${err}` } });
    failed = true;
  }
  fs.rmSync(coverageDir, { recursive: true, force: true });
}
outputs.forEach(({ input }) => input.end());
await Promise.all(outputs.map(({ done }) => done));
process.exitCode = failed ? 1 : 0;
