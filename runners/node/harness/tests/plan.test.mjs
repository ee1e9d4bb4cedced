// The plan's validate-mode fields.

import test from 'node:test';
import assert from 'node:assert/strict';
import { parsePlan, PlanError } from '../ato_harness/plan.mjs';
import { PROTOCOL_VERSION } from '../ato_harness/manifest.mjs';

const plan = (extra) => JSON.stringify({ protocol: PROTOCOL_VERSION, files: [], ...extra });

test('mode defaults to generate and candidates are read only in validate mode', () => {
  assert.equal(parsePlan(plan({})).mode, 'generate');
  assert.deepEqual(parsePlan(plan({ candidates: [{ id: 'x' }] })).candidates, [], 'ignored when generating');
  const p = parsePlan(plan({ mode: 'validate', candidates: [
    { id: 'c1', file: 'candidates/calc.llm.test.mjs', target: 'src/calc.js::add' },
    { id: 'c_2-b', file: 'candidates/b.test.ts' },
  ] }));
  assert.equal(p.mode, 'validate');
  assert.deepEqual(p.candidates, [
    { id: 'c1', file: 'candidates/calc.llm.test.mjs', target: 'src/calc.js::add' },
    { id: 'c_2-b', file: 'candidates/b.test.ts', target: null },
  ]);
});

test('bad modes and candidates are clear plan errors', () => {
  const cases = [
    [{ mode: 'fix' }, /mode "fix" is not one of generate, validate/],
    [{ mode: 'validate', candidates: {} }, /candidates must be a list/],
    [{ mode: 'validate', candidates: [null] }, /a candidate is not an object/],
    [{ mode: 'validate', candidates: [{ id: 'a b', file: 'c/a.mjs' }] }, /candidate id "a b"/],
    [{ mode: 'validate', candidates: [{ id: 'a', file: 'c/a.mjs' }, { id: 'a', file: 'c/b.mjs' }] }, /used twice/],
    [{ mode: 'validate', candidates: [{ id: 'a', file: '../etc/passwd' }] }, /not a relative path/],
    [{ mode: 'validate', candidates: [{ id: 'a', file: '/work/x.mjs' }] }, /not a relative path/],
    [{ mode: 'validate', candidates: [{ id: 'a', file: 'c/a.mjs', target: 3 }] }, /target must be a string/],
  ];
  for (const [extra, message] of cases) {
    assert.throws(() => parsePlan(plan(extra)), (err) => err instanceof PlanError && message.test(err.message),
      JSON.stringify(extra));
  }
});

test('the builtin generator is on unless the plan turns it off', () => {
  assert.equal(parsePlan(plan({})).builtin, true);
  assert.equal(parsePlan(plan({ builtin: false })).builtin, false);
  assert.throws(() => parsePlan(plan({ builtin: 'no' })), PlanError);
});
