import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingPackage } from '../ato_harness/missing_package.mjs';

function notFound(code, message) {
  return Object.assign(new Error(message), { code });
}

test('a bare package that ESM or CommonJS could not find is named', () => {
  assert.equal(missingPackage(notFound('ERR_MODULE_NOT_FOUND',
    "Cannot find package 'left-pad' imported from /work/head/src/x.js")), 'left-pad');
  assert.equal(missingPackage(notFound('MODULE_NOT_FOUND', "Cannot find module '@scope/pkg'\nRequire stack:")),
    '@scope/pkg');
});

test("the repository's own files and other errors name no package", () => {
  assert.equal(missingPackage(notFound('ERR_MODULE_NOT_FOUND',
    "Cannot find module '/work/head/src/y.js' imported from /work/head/src/x.js")), null);
  assert.equal(missingPackage(notFound('MODULE_NOT_FOUND', "Cannot find module './y'")), null);
  assert.equal(missingPackage(new Error("Cannot find package 'x'")), null);
  assert.equal(missingPackage(null), null);
});
