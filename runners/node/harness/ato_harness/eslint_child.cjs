// Runs Debian's eslint (6.x, CLIEngine API) on the changed files: `node eslint_child.cjs <request.json>`.
// It is a child process because a repository's eslint configuration is code (and may hang or crash).
//
// JavaScript files are linted as they are; TypeScript files as their types-blanked JavaScript (same lines and
// columns), with the rules that blanking would trip (extra semicolons) turned off.
'use strict';

const fs = require('fs');
const path = require('path');

async function main() {
  const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const { CLIEngine } = require('eslint');
  const { stripTypes } = await import(path.join(__dirname, 'ts_strip.mjs'));
  const engine = (useRepoConfig, tsRules) => new CLIEngine({
    cwd: request.head,
    useEslintrc: useRepoConfig,
    configFile: useRepoConfig ? undefined : request.defaultConfig,
    ignore: false,
    allowInlineConfig: true,
    rules: tsRules ? { 'no-extra-semi': 'off', 'no-undef': 'off', 'no-redeclare': 'off' } : {},
  });
  const lint = (useRepoConfig) => {
    const results = [];
    const js = request.files.filter((f) => !f.typescript).map((f) => path.join(request.head, f.path));
    if (js.length > 0) results.push(...engine(useRepoConfig, false).executeOnFiles(js).results);
    for (const f of request.files.filter((x) => x.typescript)) {
      const abs = path.join(request.head, f.path);
      const { code } = stripTypes(fs.readFileSync(abs, 'utf8'), abs);
      if (code === null) continue;
      results.push(...engine(useRepoConfig, true).executeOnText(code, abs).results);
    }
    return results;
  };
  let results;
  let configUsed = request.useRepoConfig ? 'repository' : 'default';
  let fallbackReason = null;
  try {
    results = lint(request.useRepoConfig);
  } catch (err) {
    if (!request.useRepoConfig) throw err;
    fallbackReason = String(err.message).split('\n')[0];
    configUsed = 'default';
    results = lint(false);
  }
  for (const r of results) {
    r.filePath = path.relative(request.head, r.filePath);
    delete r.source;
  }
  fs.mkdirSync(path.dirname(request.output), { recursive: true });
  fs.writeFileSync(request.output, JSON.stringify(results));
  fs.writeSync(3, `${JSON.stringify({ event: 'done', configUsed, fallbackReason })}\n`);
}

main().catch((err) => {
  fs.writeSync(3, `${JSON.stringify({ event: 'failed', message: String(err && err.stack || err).slice(0, 1500) })}\n`);
});
