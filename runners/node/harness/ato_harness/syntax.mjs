// Does a changed file parse? JavaScript is parsed with acorn (as a module, then as a script, so ESM and
// CommonJS both pass); TypeScript with tsc's parser. The first error becomes a `syntax_error` problem with its
// line, and the file gets no generated tests (loading it would only fail again, less clearly).

import { createRequire } from 'node:module';
import { typescript } from './typescript.mjs';
import { typescriptSyntaxError } from './ts_strip.mjs';

const require = createRequire(import.meta.url);

function acorn() {
  try {
    return require('acorn');
  } catch {
    return null;
  }
}

/** `{ line, message }` of the first syntax error, null when the file parses, `{ jsx: true }` for JSX. */
export function syntaxError(source, fileName, language) {
  if (language === 'typescript') return typescriptSyntaxError(source, fileName);
  const parser = acorn();
  if (!parser) return null;
  const options = { ecmaVersion: 'latest', allowHashBang: true, locations: true };
  let moduleError = null;
  try {
    parser.parse(source, { ...options, sourceType: 'module' });
    return null;
  } catch (err) {
    moduleError = err;
  }
  try {
    parser.parse(source, { ...options, sourceType: 'script', allowReturnOutsideFunction: true });
    return null;
  } catch (err) {
    if (looksLikeJsx(source, fileName)) return { jsx: true };
    // A .cjs file is a script; anything else is reported as the module it most likely is.
    const chosen = fileName.endsWith('.cjs') ? err : moduleError;
    return { line: chosen.loc?.line ?? null, message: chosen.message.replace(/ \(\d+:\d+\)$/, '') };
  }
}

/** The file is valid JSX: node cannot load it without a build step, but it is not broken. */
function looksLikeJsx(source, fileName) {
  const ts = typescript();
  if (!ts || !/<[A-Za-z>]/.test(source)) return false;
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.JSX);
  return (sf.parseDiagnostics ?? []).length === 0;
}
