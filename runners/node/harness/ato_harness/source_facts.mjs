// What the source says about each changed function's parameters: names, TypeScript types, JSDoc `@param`
// types and default values. Inputs are generated from these (values.mjs); TypeScript's parser reads both
// languages, so JavaScript and TypeScript get the same treatment.

import { typescript, scriptKind } from './typescript.mjs';

/**
 * Facts per symbol name: `{ found, params: [{ name, type, rest }], isAsync, isGenerator }`.
 * `type` is one of number, integer, string, boolean, bigint, array, object, null, undefined, any,
 * or `array:<type>` / `union:<a>|<b>`.
 */
export function symbolFacts(source, fileName, symbols) {
  const ts = typescript();
  const facts = {};
  if (!ts) {
    for (const s of symbols) facts[s.name] = { found: false, params: [], isAsync: false, isGenerator: false };
    return facts;
  }
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, scriptKind(ts, fileName));
  const functions = collectFunctions(ts, sf);
  for (const s of symbols) {
    const fn = functions.get(s.name);
    facts[s.name] = fn ? describe(ts, sf, fn) : { found: false, params: [], isAsync: false, isGenerator: false };
  }
  return facts;
}

function isFunctionLike(ts, node) {
  return node && (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node)
    || ts.isMethodDeclaration(node));
}

/** Qualified name → function node, for top-level functions, `const f = …`, `exports.f = …` and class methods. */
function collectFunctions(ts, sf) {
  const found = new Map();
  const add = (name, node) => {
    if (name && isFunctionLike(ts, node) && !found.has(name)) found.set(name, node);
  };
  const nameOf = (n) => (n && (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isPrivateIdentifier(n)) ? n.text : null);
  const visitObject = (obj, prefix) => {
    for (const p of obj.properties) {
      if (ts.isMethodDeclaration(p)) add(prefix + nameOf(p.name), p);
      else if (ts.isPropertyAssignment(p)) add(prefix + nameOf(p.name), p.initializer);
    }
  };
  const visitClass = (cls, className) => {
    for (const m of cls.members) {
      const member = nameOf(m.name);
      if (!member) continue;
      if (ts.isMethodDeclaration(m) && m.body) add(`${className}.${member}`, m);
      else if (ts.isPropertyDeclaration(m)) add(`${className}.${member}`, m.initializer);
    }
  };
  const visit = (node) => {
    if (ts.isFunctionDeclaration(node) && node.body) add(nameOf(node.name) ?? 'default', node);
    else if (ts.isClassDeclaration(node) && node.name) visitClass(node, node.name.text);
    else if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) {
        const name = nameOf(d.name);
        if (!name || !d.initializer) continue;
        add(name, d.initializer);
        if (ts.isClassExpression(d.initializer)) visitClass(d.initializer, name);
        if (ts.isObjectLiteralExpression(d.initializer)) visitObject(d.initializer, `${name}.`);
      }
    } else if (ts.isExpressionStatement(node) && ts.isBinaryExpression(node.expression)
      && node.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const { left, right } = node.expression;
      const text = left.getText(sf);
      const exported = /^(module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(text);
      if (exported) add(exported[2], right);
      if (text === 'module.exports' && ts.isObjectLiteralExpression(right)) visitObject(right, '');
      if (text === 'module.exports' && isFunctionLike(ts, right)) add(nameOf(right.name) ?? 'default', right);
    } else if (ts.isExportAssignment(node) && isFunctionLike(ts, node.expression)) {
      add('default', node.expression);
    }
  };
  ts.forEachChild(sf, visit);
  return found;
}

function describe(ts, sf, fn) {
  const modifiers = fn.modifiers ?? [];
  const isAsync = modifiers.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  const jsdoc = jsdocParamTypes(ts, fn);
  const params = fn.parameters
    .filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'))
    .map((p) => {
      const name = ts.isIdentifier(p.name) ? p.name.text : null;
      const typeText = p.type ? p.type.getText(sf) : (name && jsdoc.get(name)) || null;
      let type = typeText ? typeFromText(typeText) : null;
      if (!type && p.initializer) type = typeFromDefault(ts, p.initializer);
      if (!type && ts.isArrayBindingPattern(p.name)) type = 'array';
      if (!type && ts.isObjectBindingPattern(p.name)) type = 'object';
      if (!type) type = typeFromName(name);
      if (p.questionToken || p.initializer) type = `union:${type}|undefined`;
      return { name: name ?? '(destructured)', type, rest: Boolean(p.dotDotDotToken) };
    });
  return { found: true, params, isAsync, isGenerator: Boolean(fn.asteriskToken) };
}

function jsdocParamTypes(ts, fn) {
  const types = new Map();
  for (const tag of ts.getJSDocTags(fn)) {
    if (ts.isJSDocParameterTag(tag) && tag.typeExpression && ts.isIdentifier(tag.name)) {
      types.set(tag.name.text, tag.typeExpression.type.getText());
    }
  }
  return types;
}

const SIMPLE = new Map([
  ['number', 'number'], ['Number', 'number'], ['string', 'string'], ['String', 'string'],
  ['boolean', 'boolean'], ['Boolean', 'boolean'], ['bigint', 'bigint'], ['null', 'null'],
  ['undefined', 'undefined'], ['void', 'undefined'], ['object', 'object'], ['Object', 'object'],
  ['any', 'any'], ['unknown', 'any'], ['*', 'any'], ['Array', 'array'], ['Date', 'any'],
]);

/** A TypeScript or JSDoc type, as far as inputs go (`number[]`, `Array<string>`, `a | b`, `?T`, `T=`). */
export function typeFromText(text) {
  let t = text.trim();
  if (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1).trim();
  if (t.startsWith('?')) return `union:${typeFromText(t.slice(1))}|null`;
  if (t.endsWith('=')) return `union:${typeFromText(t.slice(0, -1))}|undefined`;
  const union = splitTop(t, '|');
  if (union.length > 1) return `union:${union.map(typeFromText).join('|')}`;
  if (t.endsWith('[]')) return `array:${typeFromText(t.slice(0, -2))}`;
  const generic = /^(Array|ReadonlyArray)<(.+)>$/.exec(t);
  if (generic) return `array:${typeFromText(generic[2])}`;
  if (/^-?\d+(\.\d+)?$/.test(t)) return 'number';
  if (/^(['"]).*\1$/.test(t)) return `literal:${t}`;
  if (t === 'true' || t === 'false') return 'boolean';
  if (SIMPLE.has(t)) return SIMPLE.get(t);
  if (t.startsWith('{') || t.startsWith('Record<')) return 'object';
  return 'any';
}

function splitTop(text, sep) {
  const parts = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if ('<([{'.includes(ch)) depth += 1;
    if ('>)]}'.includes(ch)) depth -= 1;
    if (ch === sep && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function typeFromDefault(ts, init) {
  if (ts.isNumericLiteral(init) || (ts.isPrefixUnaryExpression(init) && ts.isNumericLiteral(init.operand))) {
    return Number.isInteger(Number(init.getText())) ? 'integer' : 'number';
  }
  if (ts.isStringLiteralLike(init)) return 'string';
  if (init.kind === ts.SyntaxKind.TrueKeyword || init.kind === ts.SyntaxKind.FalseKeyword) return 'boolean';
  if (ts.isArrayLiteralExpression(init)) return 'array';
  if (ts.isObjectLiteralExpression(init)) return 'object';
  if (ts.isBigIntLiteral(init)) return 'bigint';
  return null;
}

/** A guess from the parameter's name when nothing else says: `n`, `count` are integers, `name` a string… */
export function typeFromName(name) {
  if (!name) return 'any';
  const n = name.toLowerCase();
  if (/^(n|i|j|k|m|count|index|idx|size|len|length|limit|offset|times|num|depth|level|width|height)$/.test(n)
    || /(count|index|size|length|num)$/.test(n)) return 'integer';
  if (/^(x|y|z|a|b|value|val|amount|price|total|ratio|rate|factor|min|max|lo|hi|low|high|start|end)$/.test(n)) {
    return 'number';
  }
  if (/^(s|str|text|name|title|word|label|key|prefix|suffix|path|url|message|msg|input|sep|separator|line)$/.test(n)
    || /(name|text|str|string|path|url|id)$/.test(n)) return 'string';
  if (/^(is|has|should|can|allow|enable|flag)/.test(n) || /^(flag|strict|verbose|force|enabled)$/.test(n)) {
    return 'boolean';
  }
  if (/^(xs|list|items|arr|array|values|elements|nums|numbers|words|parts)$/.test(n) || /s$/.test(n) && n.length > 3) {
    return 'array';
  }
  if (/^(obj|options|opts|config|settings|props|data|params)$/.test(n)) return 'object';
  return 'any';
}
