// Which package a failed load could not find: the fact ato needs to say "not tested, because it is not
// installed" rather than blame the change (runners/PROTOCOL.md, `missing_module`).

/**
 * The package a load could not find (`left-pad`, `@scope/pkg`): a bare specifier of ESM's
 * ERR_MODULE_NOT_FOUND or CommonJS's MODULE_NOT_FOUND. A relative or absolute path is the repository's own
 * file, not a package, and gives null.
 */
export function missingPackage(err) {
  if (!err || (err.code !== 'ERR_MODULE_NOT_FOUND' && err.code !== 'MODULE_NOT_FOUND')) return null;
  const match = /Cannot find (?:package|module) '([^']+)'/.exec(String(err.message));
  if (!match || /^[./]/.test(match[1]) || match[1].startsWith('file:')) return null;
  return match[1];
}
