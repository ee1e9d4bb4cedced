// The coverage summary of node:test's `test:coverage` event as Node.js 20 computes it, made from the raw V8
// coverage files that processes run with NODE_V8_COVERAGE write. Node.js 18 reports only totals per file
// (no lines, branches or functions), so test_launcher.mjs measures this way where node lacks the lcov
// reporter, and the lcov and the validate mode's executed lines come out as on Node.js 20. Node 20's rules:
// - the scripts of every process are merged: a function is the same when its name and first range are; when
//   both have block coverage, equal ranges add their counts, of two uncovered ranges one inside the other the
//   inner one is kept, and every covered range is kept;
// - each range sets the counts of the lines it spans whole (coverage_lines.mjs), in order (a function's
//   blocks come after the function);
// - each range of a function with block coverage is a branch (on the line the range starts in, with its
//   count); each function but a script's top level is a function (its first line, its highest count);
// - scripts under node_modules or not from a file are left out, and so are files that cannot be read;
// - a script with a source map (TypeScript loaded through ts_hooks.mjs) is mapped to its sources first
//   (source_maps.mjs).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceCache, rangeLines, skippedScript } from './coverage_lines.mjs';
import { mapScripts } from './source_maps.mjs';

const COVERAGE_FILE = /^coverage-(\d+)-(\d{13})-(\d+)\.json$/;

const sameSpan = (a, b) => a.startOffset === b.startOffset && a.endOffset === b.endOffset;
const inside = (inner, outer) => outer.startOffset <= inner.startOffset && outer.endOffset >= inner.endOffset;

function mergeRanges(into, from) {
  const kept = new Set(into.ranges.filter((r) => r.count > 0));
  for (const range of from.ranges) {
    let equal = false;
    for (const old of into.ranges) {
      if (sameSpan(range, old)) {
        old.count += range.count;
        kept.add(old);
        equal = true;
        break;
      }
      if (old.count === 0 && range.count === 0) {
        if (inside(range, old)) kept.add(range);
        else if (inside(old, range)) kept.add(old);
      }
    }
    if (range.count > 0 && !equal) kept.add(range);
  }
  into.ranges = [...kept];
}

function mergeScript(into, from) {
  for (const fn of from.functions) {
    const same = into.functions.find((old) => old.functionName === fn.functionName
      && old.ranges?.[0]?.startOffset === fn.ranges?.[0]?.startOffset
      && old.ranges?.[0]?.endOffset === fn.ranges?.[0]?.endOffset);
    if (!same) {
      into.functions.push(fn);
    } else if (fn.isBlockCoverage && same.isBlockCoverage) {
      mergeRanges(same, fn);
    } else if (fn.isBlockCoverage) {
      same.isBlockCoverage = true;
      same.ranges = fn.ranges;
    }
  }
}

/** The scripts of every coverage file in `dir`, merged by URL (in the order the folder lists the files). */
export function readCoverage(dir, sources) {
  const merged = new Map();
  const folder = fs.opendirSync(dir);
  try {
    for (let entry = folder.readSync(); entry !== null; entry = folder.readSync()) {
      if (!COVERAGE_FILE.test(entry.name)) continue;
      const raw = JSON.parse(fs.readFileSync(path.join(dir, entry.name), 'utf8'));
      for (const script of mapScripts(raw, sources)) {
        if (skippedScript(script.url)) continue;
        const known = merged.get(script.url);
        if (known) mergeScript(known, script);
        else merged.set(script.url, script);
      }
    }
  } finally {
    folder.closeSync();
  }
  return [...merged.values()];
}

const percent = (covered, total) => (total === 0 ? 100 : (covered / total) * 100);

function fileSummary(url, functions, lines) {
  const out = { functions: [], branches: [], coveredBranchCount: 0, coveredFunctionCount: 0 };
  functions.forEach(({ isBlockCoverage, ranges }, j) => {
    let highest = 0;
    const spans = ranges.map((range) => {
      highest = Math.max(highest, range.count);
      const touched = rangeLines(range, lines);
      const ignored = touched.filter((l) => l.ignore).length;
      if (isBlockCoverage) {
        out.branches.push({ line: touched[0]?.line, count: range.count });
        if (range.count !== 0 || ignored === touched.length) out.coveredBranchCount += 1;
      }
      return { touched, ignored };
    });
    if (j > 0 && ranges.length > 0) {
      out.functions.push({ name: functions[j].functionName, count: highest, line: spans[0].touched[0]?.line });
      if (ranges[0].count !== 0 || spans[0].ignored === spans[0].touched.length) out.coveredFunctionCount += 1;
    }
  });
  const coveredLineCount = lines.filter((l) => l.count > 0 || l.ignore).length;
  return {
    path: fileURLToPath(url),
    totalLineCount: lines.length,
    totalBranchCount: out.branches.length,
    totalFunctionCount: out.functions.length,
    coveredLineCount,
    coveredBranchCount: out.coveredBranchCount,
    coveredFunctionCount: out.coveredFunctionCount,
    coveredLinePercent: percent(coveredLineCount, lines.length),
    coveredBranchPercent: percent(out.coveredBranchCount, out.branches.length),
    coveredFunctionPercent: percent(out.coveredFunctionCount, out.functions.length),
    functions: out.functions,
    branches: out.branches,
    lines: lines.filter((l) => !l.ignore).map((l) => ({ line: l.line, count: l.count })),
  };
}

/** node 20's `test:coverage` summary of the raw coverage in `dir`, paths as absolute file paths. */
export function coverageSummary(dir, workingDirectory) {
  const sources = new SourceCache();
  const files = [];
  for (const { url, functions } of readCoverage(dir, sources)) {
    const lines = sources.lines(url);
    if (lines) files.push(fileSummary(url, functions, lines));
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const sum = (key) => files.reduce((n, f) => n + f[key], 0);
  const totals = {};
  for (const key of ['totalLineCount', 'totalBranchCount', 'totalFunctionCount', 'coveredLineCount',
    'coveredBranchCount', 'coveredFunctionCount']) totals[key] = sum(key);
  totals.coveredLinePercent = percent(totals.coveredLineCount, totals.totalLineCount);
  totals.coveredBranchPercent = percent(totals.coveredBranchCount, totals.totalBranchCount);
  totals.coveredFunctionPercent = percent(totals.coveredFunctionCount, totals.totalFunctionCount);
  return { workingDirectory, files, totals };
}
