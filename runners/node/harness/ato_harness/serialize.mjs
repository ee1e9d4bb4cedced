// Values as JavaScript source text, stably: the same value always gives the same text, so two observations
// can be compared as strings, and the text is what a reviewer reads in a behaviour change.
//
// Handles what JSON cannot: NaN, ±Infinity, -0, undefined, BigInt, symbols, functions, Map, Set, Date,
// RegExp, typed arrays, class instances and cycles. `literal` says whether the text evaluates back to a
// value that `assert.deepStrictEqual` accepts as equal, i.e. whether a generated test may pin it.

const MAX_DEPTH = 6;
const MAX_ITEMS = 50;
const MAX_TEXT = 4000;

export function serialize(value) {
  const state = { literal: true, seen: new Set(), length: 0 };
  const text = write(value, 0, state);
  return { text, literal: state.literal && text.length <= MAX_TEXT };
}

function number(n) {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

function key(k) {
  if (typeof k === 'symbol') return `[${String(k)}]`;
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
}

function write(value, depth, state) {
  switch (typeof value) {
    case 'undefined': return 'undefined';
    case 'boolean': return String(value);
    case 'number': return number(value);
    case 'bigint': return `${value}n`;
    case 'string': return JSON.stringify(value);
    case 'symbol': state.literal = false; return value.description !== undefined ? `Symbol(${JSON.stringify(value.description)})` : 'Symbol()';
    case 'function': {
      state.literal = false;
      const kind = /^class[\s{]/.test(safeSource(value)) ? 'class' : 'function';
      return `[${kind} ${value.name || '(anonymous)'}]`;
    }
    default: break;
  }
  if (value === null) return 'null';
  if (state.seen.has(value)) { state.literal = false; return '[Circular]'; }
  if (depth >= MAX_DEPTH) { state.literal = false; return '[…]'; }
  state.seen.add(value);
  try {
    return writeObject(value, depth, state);
  } catch (err) {
    state.literal = false;
    return `[unreadable: ${err?.message ?? err}]`;
  } finally {
    state.seen.delete(value);
  }
}

function safeSource(fn) {
  try {
    return Function.prototype.toString.call(fn);
  } catch {
    return '';
  }
}

function items(list, depth, state) {
  const shown = list.slice(0, MAX_ITEMS).map((v) => write(v, depth + 1, state));
  if (list.length > MAX_ITEMS) { state.literal = false; shown.push(`… ${list.length - MAX_ITEMS} more`); }
  return shown.join(', ');
}

function writeObject(value, depth, state) {
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) state.literal = false;
    // Holes are not undefined for deepStrictEqual: write them as holes.
    const list = Array.from({ length: Math.min(value.length, MAX_ITEMS + 1) }, (_, i) => (i in value ? value[i] : HOLE));
    if (value.length > MAX_ITEMS) { state.literal = false; }
    const parts = list.slice(0, MAX_ITEMS).map((v) => (v === HOLE ? '' : write(v, depth + 1, state)));
    if (value.length > MAX_ITEMS) parts.push(`… ${value.length - MAX_ITEMS} more`);
    const trailingHole = list.length > 0 && list[Math.min(list.length, MAX_ITEMS) - 1] === HOLE ? ',' : '';
    return `[${parts.join(', ')}${trailingHole}]`;
  }
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isNaN(t) ? 'new Date(NaN)' : `new Date(${JSON.stringify(value.toISOString())})`;
  }
  if (value instanceof RegExp) return String(value);
  if (value instanceof Map) {
    const entries = [...value.entries()].map(([k, v]) => [k, v]);
    return `new Map([${items(entries, depth, state)}])`;
  }
  if (value instanceof Set) return `new Set([${items([...value], depth, state)}])`;
  if (value instanceof Error) {
    state.literal = false;
    return `${value.name || 'Error'}(${JSON.stringify(String(value.message))})`;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `${value.constructor.name}.from([${items([...value], depth, state)}])`;
  }
  if (typeof value.then === 'function') { state.literal = false; return '[Promise]'; }
  const proto = Object.getPrototypeOf(value);
  let prefix = '';
  if (proto === null) {
    state.literal = false;
    prefix = '[Object: null prototype] ';
  } else if (proto !== Object.prototype) {
    state.literal = false;
    prefix = `${proto.constructor?.name || 'Object'} `;
  }
  const keys = Reflect.ownKeys(value).filter((k) => Object.getOwnPropertyDescriptor(value, k)?.enumerable);
  const shown = keys.slice(0, MAX_ITEMS).map((k) => {
    const desc = Object.getOwnPropertyDescriptor(value, k);
    if (desc && ('get' in desc || 'set' in desc) && !('value' in desc)) {
      state.literal = false;
      return `${key(k)}: [Getter]`;
    }
    return `${key(k)}: ${write(value[k], depth + 1, state)}`;
  });
  if (keys.some((k) => typeof k === 'symbol')) state.literal = false;
  if (keys.length > MAX_ITEMS) { state.literal = false; shown.push(`… ${keys.length - MAX_ITEMS} more`); }
  return `${prefix}{${shown.length ? ` ${shown.join(', ')} ` : ''}}`;
}

const HOLE = Symbol('hole');

/** What a call did, as the results schema has it: returned value or thrown error. */
export function returned(value) {
  const { text, literal } = serialize(value);
  return { kind: 'returned', value: text, literal };
}

export function raised(err) {
  if (err instanceof Error || (err && typeof err === 'object' && typeof err.message === 'string')) {
    const name = err.constructor?.name && err.constructor.name !== 'Object' ? err.constructor.name : (err.name || 'Error');
    return { kind: 'raised', error: String(name), message: String(err.message), code: err.code ?? null };
  }
  // `throw "text"` and other non-errors: the value itself is the message.
  return { kind: 'raised', error: 'throw', message: serialize(err).text, code: null };
}
