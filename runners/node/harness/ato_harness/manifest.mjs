// The manifest (out/manifest.json): everything the host learns besides the JUnit, coverage and findings files.
//
// Steps record into one Manifest as they go, so whatever happens later, what was learnt so far is kept.
// `write` is atomic (temp file, then rename): a half-written manifest would read as a runner crash.

import fs from 'node:fs';
import path from 'node:path';

/** The runner protocol version (runners/PROTOCOL.md): plans of another are refused; every output carries it. */
export const PROTOCOL_VERSION = 2;
/** Values and messages are cut to this many characters (runners/PROTOCOL.md). */
export const TEXT_CAP = 2000;

const PROBLEM_KINDS = new Set(['syntax_error', 'import_error', 'timeout', 'dependencies', 'tool']);
const TEST_KINDS = new Set(['doctest', 'property', 'smoke', 'characterization', 'regression', 'llm']);

/** Cuts `text` to `max` characters (code points), marking the cut. */
export function cut(text, max = TEXT_CAP) {
  const s = String(text);
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max).join('')}… (cut)`;
}

export class Manifest {
  constructor(tools = {}) {
    this.tools = tools;
    this.generated = [];
    this.tests = [];
    this.behaviour_changes = [];
    this.problems = [];
    this.notes = [];
  }

  /**
   * One problem. `facts` may say what ato judges blame from (runners/PROTOCOL.md): `missingModule`, the module
   * a load could not find, and `sameOnBase`, whether base fails alike; each is written only when known.
   */
  problem(kind, message, filePath = null, line = null, facts = {}) {
    if (!PROBLEM_KINDS.has(kind)) throw new Error(`unknown problem kind ${kind}`);
    const at = Number.isInteger(line) && line > 0 ? line : null;
    const problem = { path: filePath, line: at, kind, message: cut(message) };
    if (typeof facts.missingModule === 'string' && facts.missingModule) problem.missing_module = cut(facts.missingModule);
    if (typeof facts.sameOnBase === 'boolean') problem.same_on_base = facts.sameOnBase;
    this.problems.push(problem);
  }

  note(text) {
    const cutText = cut(text);
    if (!this.notes.includes(cutText)) this.notes.push(cutText);
  }

  generatedFile(file, repoPath) {
    this.generated.push({ file, repo_path: repoPath });
  }

  test(id, file, kind, target) {
    if (!TEST_KINDS.has(kind)) throw new Error(`unknown test kind ${kind}`);
    this.tests.push({ id, file, kind, target: target ?? null });
  }

  behaviourChange(file, symbol, input, base, head) {
    this.behaviour_changes.push({
      file,
      symbol,
      input: cut(input),
      base: cutObservation(base),
      head: cutObservation(head),
    });
  }

  toJSON() {
    return {
      protocol: PROTOCOL_VERSION,
      tools: { ...this.tools },
      generated: this.generated,
      tests: this.tests,
      behaviour_changes: this.behaviour_changes,
      problems: this.problems,
      notes: this.notes,
    };
  }

  /** Writes atomically: the host must never see a partial manifest. */
  write(file) {
    writeJsonAtomic(file, this);
  }
}

/** Writes `value` as JSON through a temporary file and a rename: a reader never sees half a file. */
export function writeJsonAtomic(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function cutObservation(obs) {
  if (obs.kind === 'returned') return { kind: 'returned', value: cut(obs.value) };
  return { kind: 'raised', error: cut(obs.error, 200), message: cut(obs.message) };
}
