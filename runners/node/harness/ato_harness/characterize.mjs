// Characterization: the same inputs called on the base tree and on the head tree, the results compared.
//
// Each side runs in its own child process (both trees have the same module paths). Each call is made twice
// per side: a call that disagrees with itself is nondeterministic and its function is left out of the
// comparison. A call that hangs is skipped (the child is restarted after it). Differences become
// behaviour_changes; agreed calls become characterization tests; calls of new functions regression tests.

import { describeEnd } from './processes.mjs';

/** Past a few examples, more differing inputs of one function tell a reviewer nothing new. */
export const MAX_CHANGES_PER_SYMBOL = 10;
const MAX_RESTARTS = 4;

/** The call as source text, e.g. `add(1, -2)`, `new Stack().push(3)`, `await load("x")`. */
export function callSource(call, isAsync = false) {
  const callee = call.how === 'instance'
    ? `new ${call.symbol.split('.')[0]}().${call.symbol.split('.').slice(1).join('.')}`
    : call.symbol;
  return `${isAsync ? 'await ' : ''}${callee}(${call.args.join(', ')})`;
}

/** Per-call time limit: a slice of the step's, so one slow input cannot eat the whole step. */
export function callTimeoutSecs(stepTimeoutSecs) {
  return Math.max(0.5, Math.min(3, stepTimeoutSecs / 20));
}

/**
 * Observes `calls` on one side. Returns `{ pairs: Map(index → event), failure, timedOut, hung: [{ index, reason }] }`.
 */
export async function observe(ws, side, file, calls, stepTimeoutSecs) {
  const pairs = new Map();
  const hung = [];
  let remaining = calls;
  let failure = null;
  let timedOut = false;
  const perCall = callTimeoutSecs(stepTimeoutSecs);
  const deadline = Date.now() + stepTimeoutSecs * 1000;
  for (let attempt = 0; remaining.length > 0 && attempt <= MAX_RESTARTS; attempt += 1) {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      timedOut = true;
      failure = `stopped after ${pairs.size} of ${calls.length} inputs: the step's ${stepTimeoutSecs}s ran out`;
      break;
    }
    const request = {
      mode: 'observe',
      file,
      callTimeoutMs: Math.round(perCall * 1000),
      calls: remaining.map((c) => ({ index: c.index, symbol: c.symbol, args: c.args })),
    };
    // The idle limit covers one input (called twice) and a margin for a slow machine.
    const result = await ws.runChild(request, ws.tree(side), { timeoutSecs: left, idleSecs: perCall * 2 + 2 });
    let calling = null;
    for (const event of result.events) {
      if (event.event === 'load_failed') failure = `loading failed: ${event.error}: ${event.message}`;
      if (event.event === 'calling') calling = event.index;
      if (event.event === 'call') {
        pairs.set(event.index, event);
        calling = null;
      }
      if (event.event === 'child_error') failure = `the child failed: ${event.message}`;
    }
    if (failure) break;
    if (result.events.some((e) => e.event === 'done')) break;
    if (calling === null) {
      failure = `the child ${describeEnd(result, left)}`;
      timedOut = result.timedOut;
      break;
    }
    // The call in progress hung or killed the process: skip it, and the other inputs of its function
    // (one hang is likely the first of many, each costing a restart), and go on with the rest.
    hung.push({ index: calling, reason: result.idleTimedOut ? 'did not return within the call time limit'
      : `stopped its process (node ${describeEnd(result, left)})` });
    const hungAt = remaining.findIndex((c) => c.index === calling);
    const hungSymbol = remaining[hungAt]?.symbol;
    remaining = remaining.slice(hungAt + 1).filter((c) => c.symbol !== hungSymbol);
  }
  return { pairs, failure, timedOut, hung };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function observationOf(obs) {
  return obs.kind === 'returned'
    ? { kind: 'returned', value: obs.value }
    : { kind: 'raised', error: obs.error, message: obs.message };
}

function deterministic(pair) {
  return pair && !pair.hung && !pair.missing && pair.first && pair.second
    && same(observationOf(pair.first), observationOf(pair.second));
}

function nondeterministicSymbols(calls, pairsList) {
  const counts = new Map();
  for (const call of calls) {
    const unstable = pairsList.some((pairs) => {
      const pair = pairs.get(call.index);
      return pair && !pair.hung && !pair.missing && !deterministic(pair);
    });
    if (unstable) counts.set(call.symbol, (counts.get(call.symbol) ?? 0) + 1);
  }
  return counts;
}

function noteSides(manifest, file, side, observed) {
  if (observed.failure) manifest.note(`Characterization of ${file} on ${side}: ${observed.failure}`);
  if (observed.timedOut) manifest.problem('timeout', `characterization on ${side}: ${observed.failure}`, file);
}

function noteHung(manifest, file, side, calls, hung) {
  for (const { index, reason } of hung.slice(0, 3)) {
    const call = calls.find((c) => c.index === index);
    if (call) {
      manifest.note(`${file}: ${callSource(call)} on ${side} ${reason}; `
        + `the other inputs of ${call.symbol} were skipped there`);
    }
  }
}

function noteNondeterministic(manifest, file, counts, calls) {
  for (const [symbol, count] of [...counts.entries()].sort()) {
    const total = calls.filter((c) => c.symbol === symbol).length;
    manifest.note(`${file}::${symbol}: ${count} of ${total} inputs gave different results when called twice `
      + '(nondeterministic): its results were not compared between base and head nor pinned in tests');
  }
}

/**
 * Compares base and head on `calls` (of symbols on both sides); records behaviour changes.
 * Returns the calls both sides agreed on, each with its observation, for characterization tests.
 */
export async function characterize(ws, manifest, file, calls, stepTimeoutSecs) {
  if (calls.length === 0) return [];
  const base = await observe(ws, 'base', file, calls, stepTimeoutSecs);
  const head = await observe(ws, 'head', file, calls, stepTimeoutSecs);
  noteSides(manifest, file, 'base', base);
  noteSides(manifest, file, 'head', head);
  noteHung(manifest, file, 'base', calls, base.hung);
  noteHung(manifest, file, 'head', calls, head.hung);
  const unstable = nondeterministicSymbols(calls, [base.pairs, head.pairs]);
  noteNondeterministic(manifest, file, unstable, calls);
  const agreed = [];
  const changes = [];
  for (const call of calls) {
    if (unstable.has(call.symbol)) continue;
    const b = base.pairs.get(call.index);
    const h = head.pairs.get(call.index);
    if (!deterministic(b) || !deterministic(h)) continue;
    const isAsync = Boolean(b.async || h.async);
    if (same(observationOf(b.first), observationOf(h.first))) {
      agreed.push({ ...call, observation: h.first, isAsync });
    } else {
      changes.push({ call, base: b.first, head: h.first, isAsync });
    }
  }
  // The simplest differing call first: it is the one a reviewer should read.
  changes.sort((x, y) => x.call.symbol.localeCompare(y.call.symbol)
    || callSource(x.call).length - callSource(y.call).length || x.call.index - y.call.index);
  const perSymbol = new Map();
  for (const change of changes) {
    const n = (perSymbol.get(change.call.symbol) ?? 0) + 1;
    perSymbol.set(change.call.symbol, n);
    if (n <= MAX_CHANGES_PER_SYMBOL) {
      manifest.behaviourChange(file, change.call.symbol, callSource(change.call, change.isAsync),
        observationOf(change.base), observationOf(change.head));
    }
  }
  for (const [symbol, n] of perSymbol) {
    if (n > MAX_CHANGES_PER_SYMBOL) {
      manifest.note(`${file}::${symbol}: ${n} inputs behaved differently on base and head; `
        + `the first ${MAX_CHANGES_PER_SYMBOL} are listed`);
    }
  }
  return agreed;
}

/** Records head's results for calls of new functions, keeping deterministic ones for regression tests. */
export async function recordNew(ws, manifest, file, calls, stepTimeoutSecs) {
  if (calls.length === 0) return [];
  const head = await observe(ws, 'head', file, calls, stepTimeoutSecs);
  if (head.failure) manifest.note(`Recording new functions of ${file}: ${head.failure}`);
  if (head.timedOut) manifest.problem('timeout', `recording new functions: ${head.failure}`, file);
  noteHung(manifest, file, 'head', calls, head.hung);
  const unstable = nondeterministicSymbols(calls, [head.pairs]);
  noteNondeterministic(manifest, file, unstable, calls);
  return calls
    .filter((c) => !unstable.has(c.symbol) && deterministic(head.pairs.get(c.index)))
    .map((c) => ({ ...c, observation: head.pairs.get(c.index).first, isAsync: Boolean(head.pairs.get(c.index).async) }));
}
