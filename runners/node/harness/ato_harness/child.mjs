// The child process that loads the PR's code: `node child.mjs <request.json>`. It never trusts what it loads
// and reports every step to the parent on file descriptor 3, one JSON object per line:
//   started → loaded | load_failed → (inspect) symbol… | (observe) calling, call… → done
// A call that never returns is detected by the parent (no event in time), which kills this process and starts
// a new one after the hung call.

import fs from 'node:fs';
import vm from 'node:vm';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { returned, raised } from './serialize.mjs';
import { missingPackage } from './missing_package.mjs';

class ExitAttempt extends Error {
  constructor(code) {
    super(`process.exit(${code ?? ''}) was called`);
    this.name = 'ExitAttempt';
  }
}

function emit(event) {
  try {
    fs.writeSync(3, `${JSON.stringify(event)}\n`);
  } catch {
    // the parent is gone: nothing to report to
  }
}

// Kept before the PR's code can replace them.
const realKill = process.kill.bind(process);
const pid = process.pid;
const stray = [];
process.on('uncaughtException', (err) => stray.push(raised(err)));
process.on('unhandledRejection', (err) => stray.push(raised(err)));
// PR code that ends the process would end the observation with it: it throws instead.
process.exit = (code) => { throw new ExitAttempt(code); };
process.reallyExit = (code) => { throw new ExitAttempt(code); };
process.abort = () => { throw new ExitAttempt('abort'); };

function errorLine(err, file) {
  const stack = String(err?.stack ?? '');
  const at = stack.split('\n').find((l) => l.includes(file));
  const match = at && /:(\d+):\d+\)?$/.exec(at.trim());
  return match ? Number(match[1]) : null;
}

/** The exported value named `name` (`Cls.method` walks one level down). */
export function lookup(mod, name) {
  const [head, ...rest] = name.split('.');
  let value;
  if (head in mod) value = mod[head];
  else if (mod.default && typeof mod.default === 'object' && head in mod.default) value = mod.default[head];
  else if (mod.default && (typeof mod.default === 'function') && mod.default.name === head) value = mod.default;
  else if (head === 'default') value = mod.default;
  if (rest.length === 0) return { found: value !== undefined, value, owner: null, how: 'plain' };
  if (value === undefined || value === null) return { found: false };
  const member = rest.join('.');
  if (typeof value === 'function' && typeof value.prototype?.[member] === 'function' && !(member in value)) {
    return { found: true, value: value.prototype[member], owner: value, how: 'instance' };
  }
  if (member in Object(value)) return { found: true, value: value[member], owner: value, how: 'static' };
  return { found: false };
}

function isClass(fn) {
  try {
    return /^class[\s{]/.test(Function.prototype.toString.call(fn));
  } catch {
    return false;
  }
}

function settle(value, timeoutMs) {
  if (!value || typeof value.then !== 'function') return Promise.resolve({ value, async: false });
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ hung: true, async: true }), timeoutMs);
  });
  const settled = Promise.resolve(value).then(
    (v) => ({ value: v, async: true }),
    (err) => ({ error: err, async: true }),
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}

async function callOnce(target, call, timeoutMs) {
  let result;
  try {
    const args = vm.runInThisContext(`[${call.args.join(', ')}]`);
    let fn = target.value;
    let self;
    if (target.how === 'instance') {
      self = new target.owner();
      fn = self[call.symbol.split('.').slice(1).join('.')];
    } else if (target.how === 'static') self = target.owner;
    result = fn.apply(self, args);
  } catch (err) {
    return { obs: raised(err), async: false };
  }
  const settled = await settle(result, timeoutMs);
  if (settled.hung) return { hung: true, async: true };
  if ('error' in settled) return { obs: raised(settled.error), async: settled.async };
  return { obs: returned(settled.value), async: settled.async };
}

async function main() {
  const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  emit({ event: 'started' });
  const file = path.join(request.tree, request.file);
  process.chdir(request.tree);
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    const info = raised(err);
    emit({ event: 'load_failed', error: info.error, message: info.message, line: errorLine(err, file),
      missingModule: missingPackage(err) });
    return;
  }
  emit({ event: 'loaded', exports: Object.keys(mod) });
  if (request.mode === 'inspect') {
    for (const name of request.symbols) {
      const target = lookup(mod, name);
      const value = target.value;
      emit({
        event: 'symbol',
        name,
        found: Boolean(target.found),
        type: typeof value,
        isClass: typeof value === 'function' && isClass(value),
        how: target.how ?? null,
        arity: typeof value === 'function' ? value.length : 0,
        ctorArity: target.owner && typeof target.owner === 'function' ? target.owner.length : 0,
      });
    }
  } else {
    for (const call of request.calls) {
      const target = lookup(mod, call.symbol);
      if (!target.found || typeof target.value !== 'function') {
        emit({ event: 'call', index: call.index, missing: true });
        continue;
      }
      emit({ event: 'calling', index: call.index });
      const first = await callOnce(target, call, request.callTimeoutMs);
      const second = first.hung ? { hung: true } : await callOnce(target, call, request.callTimeoutMs);
      emit({
        event: 'call',
        index: call.index,
        hung: Boolean(first.hung || second.hung),
        async: Boolean(first.async || second.async),
        first: first.obs ?? null,
        second: second.obs ?? null,
      });
    }
  }
  emit({ event: 'done', stray: stray.slice(0, 5) });
}

main().then(
  () => setImmediate(() => realKill(pid, 'SIGKILL')),
  (err) => {
    emit({ event: 'child_error', message: String(err?.stack ?? err) });
    setImmediate(() => realKill(pid, 'SIGKILL'));
  },
);
