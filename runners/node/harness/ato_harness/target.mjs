// Everything generated for one target file, in order: read, parse, inspect (load on head), smoke tests,
// inputs, characterization against base, regression tests for new functions.
// Problems with the file (syntax error, load failure or hang) are recorded and end this file's generation
// early: a file that does not load gets no tests, only its problem. A syntax error says whether the base
// version has the same one (`same_on_base`), so ato can tell what the change broke. They never stop the
// other files.

import fs from 'node:fs';
import path from 'node:path';
import { syntaxError } from './syntax.mjs';
import { stripTypes } from './ts_strip.mjs';
import { symbolFacts } from './source_facts.mjs';
import { generateInputs } from './values.mjs';
import { characterize, recordNew } from './characterize.mjs';
import { smokeTests } from './gen_smoke.mjs';
import { recordedTests } from './gen_recorded.mjs';
import { describeEnd } from './processes.mjs';

function read(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Whether the base version of the file has the same syntax error (same message; the line may have moved);
 * undefined when there is no base version to compare.
 */
function sameSyntaxErrorOnBase(ws, plan, target, error) {
  if (!plan.hasBase) return undefined;
  const base = read(path.join(ws.base, target.path));
  if (base === null) return undefined;
  const onBase = syntaxError(base, target.path, target.language);
  return Boolean(onBase && !onBase.jsx && onBase.message === error.message);
}

/** Loads the head module in a child and asks what each symbol is. */
async function inspect(ws, plan, manifest, target) {
  const request = { mode: 'inspect', file: target.path, symbols: target.symbols.map((s) => s.name) };
  const result = await ws.runChild(request, ws.head, { timeoutSecs: plan.stepTimeoutSecs });
  const failed = result.events.find((e) => e.event === 'load_failed');
  if (failed) {
    manifest.problem('import_error', `loading ${target.path}: ${failed.error}: ${failed.message}`, target.path,
      failed.line, { missingModule: failed.missingModule });
    return { status: 'load_failed' };
  }
  if (!result.events.some((e) => e.event === 'loaded')) {
    if (result.timedOut) {
      manifest.problem('timeout', `loading ${target.path} did not finish within ${plan.stepTimeoutSecs}s`, target.path);
      return { status: 'hung' };
    }
    manifest.problem('import_error', `loading ${target.path}: node ${describeEnd(result, plan.stepTimeoutSecs)}`,
      target.path);
    return { status: 'load_failed' };
  }
  const symbols = new Map(result.events.filter((e) => e.event === 'symbol').map((e) => [e.name, e]));
  return { status: 'loaded', symbols };
}

/** Calls to make for each callable symbol, split into changed (on both sides) and new ones. */
function plannedCalls(plan, manifest, target, facts, symbols, hasBaseFile) {
  const changed = [];
  const fresh = [];
  let index = 0;
  for (const symbol of target.symbols) {
    const info = symbols.get(symbol.name);
    if (!info?.found) {
      manifest.note(`${target.path}::${symbol.name} is not an export the module has at run time; not tested`);
      continue;
    }
    if (info.type !== 'function' || info.isClass) continue;
    if (info.how === 'instance' && info.ctorArity > 0) {
      manifest.note(`${target.path}::${symbol.name}: its class needs constructor arguments; no inputs generated`);
      continue;
    }
    const fact = facts[symbol.name] ?? { params: [] };
    if (fact.isGenerator) continue;
    const inputs = generateInputs(fact.params, { seed: plan.seed, symbol: `${target.path}::${symbol.name}`,
      arity: info.arity });
    const how = info.how === 'instance' || info.how === 'static' ? info.how : 'plain';
    for (const args of inputs) {
      const call = { index, symbol: symbol.name, how, args };
      index += 1;
      if (symbol.isNew || !hasBaseFile) fresh.push(call);
      else changed.push(call);
    }
  }
  return { changed, fresh };
}

/**
 * Generates the test files for `target`. `ctx.compiledTs` collects TypeScript files that could not be
 * blanked and were compiled by tsc (their lines in coverage and lint are not exact).
 */
export async function generateForTarget(ws, plan, manifest, target, names, ctx) {
  const source = read(path.join(ws.head, target.path));
  if (source === null) {
    manifest.note(`${target.path} is not in the head tree; nothing generated`);
    return [];
  }
  const error = syntaxError(source, target.path, target.language);
  if (error?.jsx) {
    manifest.note(`${target.path} contains JSX, which node cannot load without the project's build; not tested`);
    return [];
  }
  if (error) {
    manifest.problem('syntax_error', error.message, target.path, error.line,
      { sameOnBase: sameSyntaxErrorOnBase(ws, plan, target, error) });
    return [];
  }
  if (target.language === 'typescript') {
    const stripped = stripTypes(source, target.path);
    if (stripped.unsupported) {
      ctx.compiledTs.add(target.path);
      manifest.note(`${target.path} uses ${stripped.unsupported}: compiled with tsc instead of loaded with its `
        + 'types blanked out, so its coverage and eslint lines are not reported');
    }
  }
  const inspected = await inspect(ws, plan, manifest, target);
  if (inspected.status === 'hung') return [];
  if (inspected.status === 'load_failed') return [];
  const files = [smokeTests(target, inspected.symbols, names)];

  const facts = symbolFacts(source, target.path, target.symbols);
  const baseFile = plan.hasBase && fs.existsSync(path.join(ws.base, target.path));
  if (!baseFile && target.symbols.some((s) => !s.isNew)) {
    manifest.note(`Characterization skipped for ${target.path}: the file is not on the base side; `
      + 'its functions were recorded as new');
  }
  const { changed, fresh } = plannedCalls(plan, manifest, target, facts, inspected.symbols, baseFile);
  const agreed = await characterize(ws, manifest, target.path, changed, plan.stepTimeoutSecs);
  const recorded = await recordNew(ws, manifest, target.path, fresh, plan.stepTimeoutSecs);
  for (const [kind, calls] of [['characterization', agreed], ['regression', recorded]]) {
    const file = recordedTests(kind, target, calls, names);
    if (file) files.push(file);
  }
  return files;
}
