// Reading /work/plan.json (runners/PROTOCOL.md) into plain, checked objects. A bad plan is a `tool` problem,
// never a crash: the host wrote it, but the harness still checks before trusting it.

import fs from 'node:fs';
import { PROTOCOL_VERSION } from './manifest.mjs';

export class PlanError extends Error {}

const LANGUAGES = new Set(['javascript', 'typescript', 'python', 'java']);
const SYMBOL_KINDS = new Set(['function', 'class', 'method']);
const MODES = new Set(['generate', 'validate']);
const CANDIDATE_ID = /^[A-Za-z0-9_-]+$/;

function positiveInt(value, name, fallback) {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new PlanError(`${name} must be a non-negative integer`);
  return value;
}

function safeRelativePath(p) {
  if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.split('/').includes('..') || p.includes('\0')) {
    throw new PlanError(`file path ${JSON.stringify(p)} is not a relative path inside the repository`);
  }
  return p;
}

/**
 * The test modules to check in `validate` mode (runners/PROTOCOL.md): `{ id, file, target }`, `file` relative
 * to /work. Ids must be unique: validation.json is keyed by them.
 */
function parseCandidates(raw) {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new PlanError('candidates must be a list');
  const seen = new Set();
  return raw.map((c) => {
    if (c === null || typeof c !== 'object') throw new PlanError('a candidate is not an object');
    if (typeof c.id !== 'string' || !CANDIDATE_ID.test(c.id)) {
      throw new PlanError(`candidate id ${JSON.stringify(c.id)} is not made of letters, digits, _ and -`);
    }
    if (seen.has(c.id)) throw new PlanError(`candidate id ${c.id} is used twice`);
    seen.add(c.id);
    if (c.target !== undefined && c.target !== null && typeof c.target !== 'string') {
      throw new PlanError(`candidate ${c.id}: target must be a string`);
    }
    return { id: c.id, file: safeRelativePath(c.file), target: c.target ?? null };
  });
}

/** Parses the plan's JSON text. Throws PlanError with a message that says what is wrong. */
export function parsePlan(text) {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PlanError(`plan.json is not JSON: ${err.message}`);
  }
  if (raw === null || typeof raw !== 'object') throw new PlanError('plan.json is not an object');
  if (raw.protocol !== PROTOCOL_VERSION) {
    throw new PlanError(`protocol ${raw.protocol} is not supported (expected ${PROTOCOL_VERSION})`);
  }
  if (!Array.isArray(raw.files)) throw new PlanError('files must be a list');
  const files = raw.files.map((f) => {
    if (f === null || typeof f !== 'object') throw new PlanError('a file entry is not an object');
    if (!LANGUAGES.has(f.language)) throw new PlanError(`unknown language ${JSON.stringify(f.language)}`);
    const symbols = (Array.isArray(f.symbols) ? f.symbols : []).map((s) => {
      if (typeof s?.name !== 'string' || !SYMBOL_KINDS.has(s.kind)) {
        throw new PlanError(`bad symbol in ${f.path}: ${JSON.stringify(s)}`);
      }
      return {
        name: s.name,
        kind: s.kind,
        startLine: positiveInt(s.start_line, 'start_line', 0),
        endLine: positiveInt(s.end_line, 'end_line', 0),
        isNew: Boolean(s.is_new),
      };
    });
    const changedLines = (Array.isArray(f.changed_lines) ? f.changed_lines : []).filter(Number.isInteger);
    return { path: safeRelativePath(f.path), language: f.language, changedLines, symbols };
  });
  const mode = raw.mode ?? 'generate';
  if (!MODES.has(mode)) throw new PlanError(`mode ${JSON.stringify(mode)} is not one of generate, validate`);
  if (raw.builtin !== undefined && typeof raw.builtin !== 'boolean') {
    throw new PlanError(`builtin must be true or false, not ${JSON.stringify(raw.builtin)}`);
  }
  return {
    mode,
    // false: no builtin tests (the repository asked for the model's only, or for none); eslint still runs.
    builtin: raw.builtin ?? true,
    candidates: mode === 'validate' ? parseCandidates(raw.candidates) : [],
    seed: positiveInt(raw.seed, 'seed', 0),
    reruns: Math.max(1, Math.min(positiveInt(raw.reruns, 'reruns', 3), 50)),
    stepTimeoutSecs: Math.max(1, positiveInt(raw.step_timeout_secs, 'step_timeout_secs', 60)),
    hasBase: Boolean(raw.has_base),
    files,
  };
}

export function loadPlan(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new PlanError(`cannot read ${file}: ${err.message}`);
  }
  return parsePlan(text);
}
