// Seeded inputs for a function, as JavaScript source text: the text is what the child evaluates and calls,
// what a behaviour change shows as its input, and what a generated test contains, so all three agree.

import { rng, seedFor, intBetween, choice } from './random.mjs';

/** How many argument lists each function gets. */
export const INPUT_COUNT = 24;

const EDGE = {
  integer: ['0', '1', '-1', '2', '3', '10', '100', '101', '-100', '1000000', 'Number.MAX_SAFE_INTEGER'],
  number: ['0', '1', '-1', '0.5', '-2.5', '3', '42', '100', '101', '-100', '1e21', 'NaN', 'Infinity', '-Infinity',
    '-0'],
  string: ['""', '"a"', '"hello"', '"Hello World"', '"  padded  "', '"42"', '"ümlaut ñ"', '"a-b_c.d"', '"x,y;z"',
    '"MiXeD cAsE"', '"line\\nbreak"'],
  boolean: ['true', 'false'],
  bigint: ['0n', '1n', '-5n', '12345678901234567890n'],
  null: ['null'],
  undefined: ['undefined'],
  object: ['{}', '{ a: 1 }', '{ name: "x", value: 2 }', 'null'],
};
const WORDS = ['alpha', 'beta', 'Gamma', 'delta 4', 'e', 'Zeta-Eta', 'θ', ''];

function randomValue(type, next, depth = 0) {
  if (type.startsWith('union:')) {
    const options = type.slice(6).split('|');
    return randomValue(choice(next, options), next, depth);
  }
  if (type.startsWith('literal:')) return type.slice(8);
  if (type.startsWith('array:') || type === 'array') {
    const inner = type.startsWith('array:') ? type.slice(6) : choice(next, ['integer', 'string']);
    if (depth > 1) return '[]';
    const length = intBetween(next, 0, 4);
    return `[${Array.from({ length }, () => randomValue(inner, next, depth + 1)).join(', ')}]`;
  }
  switch (type) {
    case 'integer': return next() < 0.3 ? choice(next, EDGE.integer) : String(intBetween(next, -50, 150));
    case 'number': return next() < 0.4 ? choice(next, EDGE.number) : String(Math.round((next() * 300 - 100) * 100) / 100);
    case 'string': return next() < 0.5 ? choice(next, EDGE.string) : JSON.stringify(choice(next, WORDS) + (next() < 0.5 ? '' : ` ${intBetween(next, 0, 99)}`));
    case 'boolean': return choice(next, EDGE.boolean);
    case 'bigint': return choice(next, EDGE.bigint);
    case 'null': return 'null';
    case 'undefined': return 'undefined';
    case 'object': return choice(next, EDGE.object);
    default: return randomValue(choice(next, ['integer', 'number', 'string', 'boolean', 'array', 'null', 'undefined']), next, depth);
  }
}

/** The first, simple values of a type: tried systematically before random ones. */
function simpleValues(type) {
  if (type.startsWith('union:')) return type.slice(6).split('|').flatMap((t) => simpleValues(t).slice(0, 2));
  if (type.startsWith('literal:')) return [type.slice(8)];
  if (type.startsWith('array:')) {
    const inner = simpleValues(type.slice(6));
    return ['[]', `[${inner.slice(1, 4).join(', ')}]`];
  }
  if (type === 'array') return ['[]', '[1, 2, 3]', '["b", "a"]'];
  if (type === 'any') return ['0', '1', '"a"', 'null', 'undefined', 'true', '[]'];
  return (EDGE[type] ?? ['undefined']).slice(0, 6);
}

/**
 * Up to INPUT_COUNT argument lists (each a list of source texts) for `params`; `arity` (the function's
 * `length`) is used when the source told nothing. Deterministic for one seed and symbol.
 */
export function generateInputs(params, { seed, symbol, arity = 0, count = INPUT_COUNT }) {
  const next = rng(seedFor(seed, symbol));
  const effective = params.length > 0 ? params : Array.from({ length: arity }, () => ({ type: 'any', rest: false }));
  const fixed = effective.filter((p) => !p.rest);
  const seen = new Set();
  const out = [];
  const push = (args) => {
    const trimmed = [...args];
    // Trailing `undefined`s are what an omitted argument is: drop them so the call reads as written.
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === 'undefined') trimmed.pop();
    const key = trimmed.join(', ');
    if (!seen.has(key) && out.length < count) {
      seen.add(key);
      out.push(trimmed);
    }
  };
  if (fixed.length === 0) push([]);
  // Systematic: each parameter walks its simple values while the others keep their first one.
  const firsts = fixed.map((p) => simpleValues(p.type)[0] ?? 'undefined');
  fixed.forEach((p, i) => {
    for (const v of simpleValues(p.type)) {
      const args = [...firsts];
      args[i] = v;
      push(args);
    }
  });
  for (let attempt = 0; out.length < count && attempt < count * 10; attempt += 1) {
    push(fixed.map((p) => randomValue(p.type, next)));
  }
  return out;
}
