// How a generated test file is written for each framework: node:test (node's own runner), jest (global
// `test`/`expect`) and vitest (`import { test, expect } from 'vitest'`). The generators describe a test as
// code lines and assertions (`{ op: … }`); a style turns them into that framework's text.
//
// Each style loads the module under test inside each test, so a module that fails to load fails its tests one
// by one instead of the whole file, and finds the repository at $ATO_REPO_ROOT in the sandbox or two folders
// up (test/ato/) in the pull request's repository.

export const ROOT_ENV = 'ATO_REPO_ROOT';
export const REPO_TESTS_DIR = 'test/ato';

const q = (text) => JSON.stringify(text);

const HELPERS = [
  '/** An export by name, also from a CommonJS module.exports object or a default-exported class. */',
  'function pick(mod, name) {',
  '  if (name in mod) return mod[name];',
  "  if (mod.default && typeof mod.default === 'object' && name in mod.default) return mod.default[name];",
  '  return mod.default?.name === name ? mod.default : undefined;',
  '}',
  '',
  '/** The class name of a thrown error (what ato reports), e.g. TypeError. */',
  'function errorName(err) {',
  "  return err?.constructor?.name && err.constructor.name !== 'Object' ? err.constructor.name : err?.name;",
  '}',
];

/** jest and vitest have no assert.throws with a predicate: the error is caught and compared. */
const CATCH_HELPERS = [
  '',
  '/** What `fn` threw (or rejected with), as name and message; fails when it returned. */',
  'async function thrown(fn) {',
  '  try {',
  '    await fn();',
  '  } catch (err) {',
  '    return { name: errorName(err), message: err?.message };',
  '  }',
  "  throw new Error('expected an error, but the call returned');",
  '}',
];

function nodeAssertion(a) {
  switch (a.op) {
    case 'equal': return `assert.equal(${a.actual}, ${a.expected});`;
    case 'match': return `assert.match(${a.actual}, ${a.pattern});`;
    case 'deepEqual': return `assert.deepStrictEqual(${a.actual}, ${a.expected});`;
    case 'throws': {
      const check = `(err) => errorName(err) === ${q(a.error)} && err.message === ${q(a.message)}`;
      return a.async ? `await assert.rejects(async () => ${a.call}, ${check});` : `assert.throws(() => ${a.call}, ${check});`;
    }
    default: throw new Error(`unknown assertion ${a.op}`);
  }
}

function expectAssertion(a) {
  switch (a.op) {
    case 'equal': return `expect(${a.actual}).toBe(${a.expected});`;
    case 'match': return `expect(${a.actual}).toMatch(${a.pattern});`;
    case 'deepEqual': return `expect(${a.actual}).toStrictEqual(${a.expected});`;
    case 'throws':
      return `expect(await thrown(${a.async ? 'async ' : ''}() => ${a.call})).toStrictEqual({ name: ${q(a.error)}, `
        + `message: ${q(a.message)} });`;
    default: throw new Error(`unknown assertion ${a.op}`);
  }
}

/**
 * How a jest file loads the module under test. It is a `.test.js` file, CommonJS or ES module as the
 * package's "type" says, so it uses neither `import.meta` nor top-level import statements: `require` in a
 * CommonJS package (jest then applies the project's own transforms, e.g. for TypeScript), `import()` for
 * ES modules (jest runs with --experimental-vm-modules, as jest's ESM support requires).
 */
function jestLoader(targetPath, esm) {
  const esmTarget = esm || /\.m[jt]s$/.test(targetPath);
  return [
    `const root = process.env.${ROOT_ENV} ?? (typeof __dirname === 'string' ? \`\${__dirname}/../..\` : process.cwd());`,
    esmTarget
      ? `const load = () => import(\`\${root}/${targetPath.replace(/[`$\\]/g, '\\$&')}\`);`
      : `const load = async () => require(\`\${root}/${targetPath.replace(/[`$\\]/g, '\\$&')}\`);`,
  ];
}

export const STYLES = {
  'node:test': {
    framework: 'node:test',
    extension: '.test.mjs',
    runWith: 'node --test',
    header: (targetPath) => [
      "import test from 'node:test';",
      "import assert from 'node:assert/strict';",
      "import path from 'node:path';",
      "import { fileURLToPath, pathToFileURL } from 'node:url';",
      '',
      `const root = process.env.${ROOT_ENV} ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');`,
      `const load = () => import(pathToFileURL(path.join(root, ${q(targetPath)})).href);`,
      '',
      ...HELPERS,
    ],
    assertion: nodeAssertion,
  },
  jest: {
    framework: 'jest',
    extension: '.test.js',
    runWith: 'jest',
    header: (targetPath, { esm = false } = {}) => [...jestLoader(targetPath, esm), '', ...HELPERS, ...CATCH_HELPERS],
    assertion: expectAssertion,
  },
  vitest: {
    framework: 'vitest',
    extension: '.test.mjs',
    runWith: 'vitest run',
    header: (targetPath) => [
      "import { test, expect } from 'vitest';",
      "import path from 'node:path';",
      "import { fileURLToPath } from 'node:url';",
      '',
      `const root = process.env.${ROOT_ENV} ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');`,
      `const load = () => import(path.join(root, ${q(targetPath)}));`,
      '',
      ...HELPERS,
      ...CATCH_HELPERS,
    ],
    assertion: expectAssertion,
  },
};

export function styleFor(framework) {
  const style = STYLES[framework];
  if (!style) throw new Error(`no test style for ${framework}`);
  return style;
}
