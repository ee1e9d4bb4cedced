// Characterization and regression tests: calls whose results were observed (the same on base and head, or
// recorded on head for new functions), pinned with a deep equality or the error's name and message.
// Only results whose text evaluates back to an equal value are pinned; others would be tests that lie.

import { GeneratedTestFile, isIdentifier } from './testfile.mjs';
import { callSource } from './characterize.mjs';

const DESCRIBE = {
  characterization: 'characterization tests (results that are the same on the base and the head)',
  regression: 'regression tests (results of new functions, recorded on the head)',
};
const MAX_PER_SYMBOL = 8;

function shortText(text, max = 60) {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

export function recordedTests(kind, target, calls, names) {
  const file = new GeneratedTestFile(target.path, kind, DESCRIBE[kind]);
  const perSymbol = new Map();
  for (const call of calls) {
    const owner = call.symbol.split('.')[0];
    if (!isIdentifier(owner)) continue;
    const obs = call.observation;
    const pinnable = obs.kind === 'returned' ? obs.literal : obs.error !== 'throw';
    if (!pinnable) continue;
    const count = (perSymbol.get(call.symbol) ?? 0) + 1;
    if (count > MAX_PER_SYMBOL) continue;
    perSymbol.set(call.symbol, count);
    const expr = callSource(call);
    const outcome = obs.kind === 'returned'
      ? `returns ${shortText(obs.value)}` : `throws ${obs.error}`;
    const name = names.take(`${target.path} ${shortText(expr, 80)} ${outcome}`);
    const lines = [`const ${owner} = pick(await load(), ${JSON.stringify(owner)});`];
    if (obs.kind === 'returned') {
      lines.push({ op: 'deepEqual', actual: `${call.isAsync ? 'await ' : ''}${expr}`, expected: obs.value });
    } else {
      lines.push({ op: 'throws', call: expr, error: obs.error, message: obs.message, async: Boolean(call.isAsync) });
    }
    file.add(name, `${target.path}::${call.symbol}`, lines);
  }
  return file.tests.length > 0 ? file : null;
}
