// TypeScript to JavaScript by blanking the types out: every character of a type annotation, interface, type
// alias, `as T`, `!`, modifier… becomes a space (newlines stay). The JavaScript left has the same lines and
// columns as the TypeScript, so coverage, eslint findings and stack traces point at the real source lines.
//
// Syntax that is not just types (enums, namespaces, parameter properties, `import x = require`, `export =`,
// decorators) cannot be blanked: `strip` says so and the caller compiles the file with tsc instead.

import { typescript, scriptKind } from './typescript.mjs';

/**
 * Returns `{ code, unsupported }`: `code` is the blanked JavaScript (null when unsupported), `unsupported` the
 * reason when the file needs a real compilation.
 */
export function stripTypes(source, fileName) {
  const ts = typescript();
  if (!ts) return { code: null, unsupported: 'TypeScript is not installed' };
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, scriptKind(ts, fileName));
  const blanks = [];
  let unsupported = null;
  const valueNames = valueIdentifiers(ts, sf);
  const blank = (start, end, semicolon = false) => {
    if (end > start) blanks.push([start, end, semicolon]);
  };
  const blankNode = (node, semicolon = false) => blank(node.getStart(sf), node.end, semicolon);
  const blankAnnotation = (typeNode) => {
    // The annotation starts at the `:` (or `?:`) before the type.
    let i = typeNode.getStart(sf) - 1;
    while (i >= 0 && /\s/.test(source[i])) i -= 1;
    if (source[i] === ':') blank(i, typeNode.end);
    else blankNode(typeNode);
  };
  const blankAngles = (list) => {
    let open = list.pos - 1;
    while (open >= 0 && source[open] !== '<') open -= 1;
    let close = list.end;
    while (close < source.length && source[close] !== '>') close += 1;
    if (open >= 0 && close < source.length) blank(open, close + 1);
  };
  const modifierKinds = new Set([
    ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword,
    ts.SyntaxKind.ReadonlyKeyword, ts.SyntaxKind.AbstractKeyword, ts.SyntaxKind.OverrideKeyword,
    ts.SyntaxKind.DeclareKeyword,
  ]);
  const hasModifier = (node, kind) => (node.modifiers ?? []).some((m) => m.kind === kind);
  const isTypeOnlyStatement = (node) =>
    ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || hasModifier(node, ts.SyntaxKind.DeclareKeyword)
    || (ts.isFunctionDeclaration(node) && !node.body)
    || (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly)
    || (ts.isExportDeclaration(node) && node.isTypeOnly);

  const visit = (node) => {
    if (unsupported) return;
    if (ts.isEnumDeclaration(node) && !hasModifier(node, ts.SyntaxKind.DeclareKeyword)) {
      unsupported = 'an enum'; return;
    }
    if (ts.isModuleDeclaration(node) && !hasModifier(node, ts.SyntaxKind.DeclareKeyword)) {
      unsupported = 'a namespace'; return;
    }
    if (ts.isImportEqualsDeclaration(node)) { unsupported = '`import … = require(…)`'; return; }
    if (ts.isExportAssignment(node) && node.isExportEquals) { unsupported = '`export =`'; return; }
    if (ts.isDecorator(node)) { unsupported = 'decorators'; return; }
    if (ts.isParameter(node) && ts.isConstructorDeclaration(node.parent)
      && (node.modifiers ?? []).some((m) => modifierKinds.has(m.kind))) {
      unsupported = 'constructor parameter properties'; return;
    }
    if (ts.isParameter(node) && ts.isIdentifier(node.name) && node.name.text === 'this') {
      // `this: T` exists only for the type checker: drop it with its comma.
      let end = node.end;
      while (end < source.length && /\s/.test(source[end])) end += 1;
      if (source[end] === ',') end += 1;
      blank(node.getStart(sf), end);
      return;
    }
    if (ts.isStatement(node) && isTypeOnlyStatement(node)) { blankNode(node, true); return; }
    if (ts.isExportAssignment(node) && ts.isInterfaceDeclaration(node.expression)) { blankNode(node, true); return; }
    if ((ts.isClassDeclaration(node) || ts.isClassExpression(node))) {
      for (const clause of node.heritageClauses ?? []) {
        if (clause.token === ts.SyntaxKind.ImplementsKeyword) blankNode(clause);
      }
    }
    if (ts.isClassElement(node) && node.parent && ts.isClassLike(node.parent)) {
      const abstractMember = hasModifier(node, ts.SyntaxKind.AbstractKeyword)
        || hasModifier(node, ts.SyntaxKind.DeclareKeyword);
      const overload = (ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node)) && !node.body;
      if (abstractMember || overload || ts.isIndexSignatureDeclaration(node)) { blankNode(node, true); return; }
    }
    if (ts.isImportDeclaration(node) && node.importClause) blankTypeImports(node);
    if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause)) {
      for (const spec of node.exportClause.elements) if (spec.isTypeOnly) blankListItem(spec);
    }
    for (const m of node.modifiers ?? []) {
      if (modifierKinds.has(m.kind)) blankNode(m);
    }
    if (node.questionToken && (ts.isParameter(node) || ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node))) {
      blankNode(node.questionToken);
    }
    if (node.exclamationToken && (ts.isPropertyDeclaration(node) || ts.isVariableDeclaration(node))) {
      blankNode(node.exclamationToken);
    }
    if (node.typeParameters && node.typeParameters.length > 0) blankAngles(node.typeParameters);
    if (node.typeArguments && node.typeArguments.length > 0 && !ts.isTypeNode(node) && !isClassExtends(ts, node)) {
      blankAngles(node.typeArguments);
    }
    if (node.type && ts.isTypeNode(node.type) && !ts.isTypeNode(node)
      && !ts.isAsExpression(node) && !ts.isSatisfiesExpression?.(node) && !ts.isTypeAssertionExpression(node)) {
      blankAnnotation(node.type);
    }
    if (ts.isAsExpression(node) || (ts.isSatisfiesExpression && ts.isSatisfiesExpression(node))) {
      blank(node.expression.end, node.end);
      visit(node.expression);
      return;
    }
    if (ts.isTypeAssertionExpression(node)) {
      blank(node.getStart(sf), node.expression.getStart(sf));
      visit(node.expression);
      return;
    }
    if (ts.isNonNullExpression(node)) blank(node.end - 1, node.end);
    if (isClassExtends(ts, node)) {
      if (node.typeArguments && node.typeArguments.length > 0) blankAngles(node.typeArguments);
      visit(node.expression);
      return;
    }
    if (ts.isTypeNode(node)) return;
    ts.forEachChild(node, visit);
  };

  const blankListItem = (item) => {
    let end = item.end;
    while (end < source.length && /\s/.test(source[end])) end += 1;
    if (source[end] === ',') end += 1;
    blank(item.getStart(sf), end);
  };

  // An import whose names are only used as types must go: its module may export no such value.
  const blankTypeImports = (decl) => {
    const clause = decl.importClause;
    const named = clause.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : [];
    const usedNamed = named.filter((spec) => !spec.isTypeOnly && valueNames.has(spec.name.text));
    const defaultUsed = clause.name ? valueNames.has(clause.name.text) : false;
    const nsUsed = clause.namedBindings && ts.isNamespaceImport(clause.namedBindings)
      ? valueNames.has(clause.namedBindings.name.text) : false;
    if (!defaultUsed && !nsUsed && usedNamed.length === 0 && (clause.name || clause.namedBindings)) {
      blankNode(decl, true);
      return;
    }
    for (const spec of named) if (!usedNamed.includes(spec)) blankListItem(spec);
    if (clause.name && !defaultUsed) blankListItem(clause.name);
  };

  ts.forEachChild(sf, visit);
  if (unsupported) return { code: null, unsupported };
  return { code: applyBlanks(source, blanks), unsupported: null };
}

/** Names used as values anywhere in the file (not only inside types, not declarations of imports). */
function valueIdentifiers(ts, sf) {
  const names = new Set();
  const visit = (node) => {
    if (isClassExtends(ts, node)) {
      visit(node.expression);
      return;
    }
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)
      || ts.isImportDeclaration(node)) return;
    if (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ImplementsKeyword) return;
    if (ts.isIdentifier(node)) names.add(node.text);
    if (ts.isShorthandPropertyAssignment(node)) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return names;
}

/** `Base<T>` in `class A extends Base<T>`: a value (the base class) with type arguments. */
function isClassExtends(ts, node) {
  return ts.isExpressionWithTypeArguments(node) && ts.isHeritageClause(node.parent)
    && node.parent.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(node.parent.parent);
}

function applyBlanks(source, blanks) {
  const chars = source.split('');
  for (const [start, end, semicolon] of blanks) {
    for (let i = start; i < end; i += 1) {
      if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
    }
    // An empty statement keeps the statements around it apart (no accidental joining by ASI).
    if (semicolon && end > start) chars[start] = ';';
  }
  return chars.join('');
}

/** Compiles with tsc (transpile only): the fallback for files `stripTypes` cannot handle. */
export function transpile(source, fileName) {
  const ts = typescript();
  const out = ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      esModuleInterop: true,
      jsx: ts.JsxEmit.React,
      // The map lets coverage and stack traces point at the TypeScript lines.
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  return out.outputText;
}

/** The first syntax error of a TypeScript file as `{ line, message }`, or null. */
export function typescriptSyntaxError(source, fileName) {
  const ts = typescript();
  if (!ts) return null;
  const out = ts.transpileModule(source, { fileName, reportDiagnostics: true, compilerOptions: { noEmit: false } });
  const diag = (out.diagnostics ?? []).find((d) => d.category === ts.DiagnosticCategory.Error);
  if (!diag) return null;
  const message = ts.flattenDiagnosticMessageText(diag.messageText, '\n');
  if (diag.file && diag.start !== undefined) {
    const { line } = diag.file.getLineAndCharacterOfPosition(diag.start);
    return { line: line + 1, message: `TS${diag.code}: ${message}` };
  }
  return { line: null, message: `TS${diag.code}: ${message}` };
}
