// Child processes that run the PR's code: each in its own process group with a time limit, a V8 heap cap
// and capped output, so an infinite loop, a huge allocation, process.exit() or a fork bomb in the PR ends as
// a reported problem and never takes the harness down.
//
// Children report through file descriptor 3 (one JSON object per line) rather than stdout, which the PR's
// code writes to freely.

import { spawn } from 'node:child_process';
import { QUIET_EXPERIMENTAL } from './node_test_command.mjs';

/** Heap cap of every child, in MB: far below the container's memory limit, so V8 fails before the kernel. */
export const CHILD_HEAP_MB = 768;
const OUTPUT_CAP = 64 * 1024;
const EVENTS_CAP = 16 * 1024 * 1024;

/** The node flags every child gets. */
export function nodeFlags(extra = []) {
  return [`--max-old-space-size=${CHILD_HEAP_MB}`, QUIET_EXPERIMENTAL, ...extra];
}

class Capped {
  constructor(cap) {
    this.cap = cap;
    this.size = 0;
    this.chunks = [];
    this.truncated = false;
  }

  push(chunk) {
    if (this.size >= this.cap) {
      this.truncated = true;
      return;
    }
    const part = chunk.subarray(0, this.cap - this.size);
    this.chunks.push(part);
    this.size += part.length;
    if (part.length < chunk.length) this.truncated = true;
  }

  text() {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Runs `node <args>` and resolves (never rejects) with what happened:
 * `{ code, signal, timedOut, idleTimedOut, spawnError, stdout, stderr, events }`.
 *
 * - `timeoutSecs`: wall-clock limit of the whole process.
 * - `idleSecs`: limit between two events after the first one other than `started` (a call that hangs).
 * - `onEvent(event)`: called for each event as it arrives.
 */
export function runNode(args, { cwd, env = {}, timeoutSecs, idleSecs, onEvent, nodeOptions } = {}) {
  return new Promise((resolve) => {
    const childEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env };
    if (nodeOptions) childEnv.NODE_OPTIONS = nodeOptions;
    let child;
    try {
      child = spawn(process.execPath, args, {
        cwd,
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (err) {
      resolve({ code: null, signal: null, timedOut: false, idleTimedOut: false, spawnError: err.message,
        stdout: '', stderr: '', events: [] });
      return;
    }
    const stdout = new Capped(OUTPUT_CAP);
    const stderr = new Capped(OUTPUT_CAP);
    const events = [];
    let eventBytes = 0;
    let pending = '';
    let timedOut = false;
    let idleTimedOut = false;
    let spawnError = null;

    const killGroup = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        try {
          child.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    const wall = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, Math.max(1, timeoutSecs ?? 60) * 1000);
    let idle = null;
    const armIdle = () => {
      if (!idleSecs) return;
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => {
        idleTimedOut = true;
        killGroup();
      }, idleSecs * 1000);
    };

    child.stdout.on('data', (c) => stdout.push(c));
    child.stderr.on('data', (c) => stderr.push(c));
    child.stdio[3].on('data', (chunk) => {
      eventBytes += chunk.length;
      if (eventBytes > EVENTS_CAP) {
        killGroup();
        return;
      }
      pending += chunk.toString('utf8');
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line.trim()) continue;
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          continue;
        }
        events.push(event);
        // Loading the module is the wall clock's business; the idle limit starts once it is loaded.
        if (event.event !== 'started') armIdle();
        if (onEvent) onEvent(event);
      }
    });
    child.on('error', (err) => {
      spawnError = err.message;
    });
    child.on('close', (code, signal) => {
      clearTimeout(wall);
      if (idle) clearTimeout(idle);
      // Whatever the child left running in its group goes with it.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is empty
      }
      resolve({ code, signal, timedOut, idleTimedOut, spawnError, stdout: stdout.text(), stderr: stderr.text(),
        events });
    });
  });
}

/** One line that says how a child ended, for problems and notes. */
export function describeEnd(result, timeoutSecs) {
  if (result.spawnError) return `could not start node: ${result.spawnError}`;
  if (result.timedOut) return `did not finish within ${timeoutSecs}s`;
  if (result.idleTimedOut) return 'a call did not return in time';
  const stderr = result.stderr ?? '';
  if (/heap out of memory|Allocation failed/i.test(stderr)) {
    return `ran out of memory (the heap is capped at ${CHILD_HEAP_MB} MB)`;
  }
  if (result.signal) return `was killed by ${result.signal}`;
  const last = lastLines(stderr, 3);
  return `exited with code ${result.code}${last ? `: ${last}` : ''}`;
}

function lastLines(text, n) {
  return text.trim().split('\n').slice(-n).join(' | ').slice(0, 500);
}
