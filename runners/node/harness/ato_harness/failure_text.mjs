// The failure of a test as the model that wrote it needs to read it back: the error's type, its message and
// the end of its stack, without node's own frames. Used by the event reporter (node:test) and for jest and
// vitest results alike, so every candidate's `error` has one shape.

const FRAME_CAP = 8;
const MESSAGE_CAP = 2000;

/** The frames of a stack text ("    at …" lines), node's internals dropped. */
export function stackFrames(stack) {
  return String(stack ?? '').split('\n')
    .filter((l) => /^\s+at /.test(l))
    .map((l) => l.trim())
    .filter((l) => !/\(node:|^at node:|^at new Promise \(<anonymous>\)|\(<anonymous>\)$/.test(l));
}

function errorType(err) {
  if (err === null || typeof err !== 'object') return typeof err === 'string' ? 'Error' : `thrown ${typeof err}`;
  return String(err.name ?? err.constructor?.name ?? 'Error');
}

/**
 * `{ failureType, type, message, frames }` of a node:test failure. The runner wraps what the test threw in
 * an error of its own (`failureType` says why: testCodeFailure, testTimeoutFailure, subtestsFailed, …) whose
 * `cause` is the thrown value.
 */
export function formatFailure(error) {
  const failureType = error?.failureType ?? null;
  const thrown = error && typeof error === 'object' && 'cause' in error ? error.cause : error;
  const message = thrown !== null && typeof thrown === 'object' ? thrown.message ?? String(thrown) : String(thrown);
  return {
    failureType,
    type: errorType(thrown),
    message: String(message).slice(0, MESSAGE_CAP),
    frames: stackFrames(thrown?.stack).slice(0, FRAME_CAP),
  };
}

/** One text for a failure: `<test>: <Type>: <message>` and the stack's frames below. */
export function failureText(testName, failure) {
  const head = `${testName}: ${failure.type}: ${String(failure.message).trim()}`;
  return failure.frames.length ? `${head}\n${failure.frames.map((f) => `    ${f}`).join('\n')}` : head;
}
