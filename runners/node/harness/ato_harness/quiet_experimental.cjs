// `node --require <this file>` where node has no `--disable-warning` (Node.js 18): node's ExperimentalWarnings
// (JSON modules, the fetch API, …) are neither printed on stderr nor emitted as `warning` events, as with
// `--disable-warning=ExperimentalWarning`; every other warning is as usual.

const emitWarning = process.emitWarning;

process.emitWarning = function emitWarningButExperimental(warning, ...rest) {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'ExperimentalWarning' || (warning instanceof Error && warning.name === 'ExperimentalWarning')) {
    return undefined;
  }
  return emitWarning.call(process, warning, ...rest);
};
