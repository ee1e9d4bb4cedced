// Source maps in raw V8 coverage (v8_coverage.mjs): a script node loaded with a source map (the TypeScript
// that ts_hooks.mjs blanks carries an identity map) has the map in the coverage file's `source-map-cache`,
// and Node.js 20 reports its ranges against the map's sources. The same here, with node 20's rules: the
// generated lines are laid end to end from the cached line lengths; a range maps through the entries at its
// first and last characters, and is dropped when they are not in one source; the source's lines from the
// first entry's to the last's take the range's count; the source's text is the map's `sourcesContent` where
// it has one.

import { coverageLine, rangeLines, skippedScript } from './coverage_lines.mjs';

const BASE64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** One base64 VLQ number of `text` from `cursor.at`, which moves past it. */
function vlq(text, cursor) {
  let value = 0;
  let shift = 0;
  let digit;
  do {
    digit = BASE64.get(text[cursor.at]);
    cursor.at += 1;
    value += (digit & 31) << shift;
    shift += 5;
  } while (digit & 32);
  const negative = value & 1;
  value >>>= 1;
  return negative ? -value | (1 << 31) : value;
}

const separator = (c) => c === ',' || c === ';';

/** The map's entries `[line, column, source, sourceLine, sourceColumn]` (0-based), in generated order. */
export function mapEntries(payload) {
  const entries = [];
  const sections = payload.sections ?? [{ map: payload, offset: { line: 0, column: 0 } }];
  for (const { map, offset } of sections) {
    const text = map.mappings;
    const cursor = { at: 0 };
    let line = offset.line;
    let column = offset.column;
    let sourceIndex = 0;
    let sourceLine = 0;
    let sourceColumn = 0;
    let source = map.sources[0];
    for (;;) {
      if (text[cursor.at] === ',') {
        cursor.at += 1;
      } else {
        while (text[cursor.at] === ';') {
          line += 1;
          column = 0;
          cursor.at += 1;
        }
        if (cursor.at >= text.length) break;
      }
      column += vlq(text, cursor);
      if (separator(text[cursor.at])) {
        entries.push([line, column]);
        continue;
      }
      const step = vlq(text, cursor);
      if (step) {
        sourceIndex += step;
        source = map.sources[sourceIndex];
      }
      sourceLine += vlq(text, cursor);
      sourceColumn += vlq(text, cursor);
      if (!separator(text[cursor.at])) vlq(text, cursor); // the name, unused here
      entries.push([line, column, source, sourceLine, sourceColumn]);
    }
  }
  return entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** The entry at or before a generated position, `{}` when there is none. */
export function findEntry(entries, line, column) {
  let first = 0;
  let count = entries.length;
  while (count > 1) {
    const step = count >> 1;
    const [l, c] = entries[first + step];
    if (line < l || (line === l && column < c)) {
      count = step;
    } else {
      first += step;
      count -= step;
    }
  }
  const entry = entries[first];
  if (!entry || (first === 0 && (line < entry[0] || (line === entry[0] && column < entry[1])))) return {};
  return asEntry(entry);
}

const asEntry = (e) => ({ originalSource: e[2], originalLine: e[3], originalColumn: e[4] });

function sourceOffset(entry, lines) {
  const line = lines[Math.max(entry.originalLine, 0)];
  return Math.min(line.start + entry.originalColumn, line.end);
}

/** One function's ranges mapped to one source: `{ url, ranges }`, `url` null when none maps. */
function mapFunction(ranges, generated, entries, sources) {
  let url = null;
  const mapped = [];
  for (const range of ranges) {
    const touched = rangeLines(range, generated);
    const first = touched[0];
    const last = touched[touched.length - 1];
    let start = findEntry(entries, first.line - 1, Math.max(0, range.startOffset - first.start));
    const end = findEntry(entries, last.line - 1, range.endOffset - last.start - 1);
    if (!start.originalSource && end.originalSource && first.line === 1 && range.startOffset === 0
      && first.start === 0) {
      start = asEntry(entries[0]); // the first line maps nowhere: the map's first entry stands for it
    }
    if (!start.originalSource || start.originalSource !== end.originalSource) continue;
    url ??= start.originalSource;
    const lines = sources.lines(url);
    for (let l = start.originalLine; l <= end.originalLine; l += 1) lines[l].count = range.count;
    mapped.push({ startOffset: sourceOffset(start, lines), endOffset: sourceOffset(end, lines) + 1, count: range.count });
  }
  return { url, ranges: mapped };
}

/** The scripts of one raw coverage file, those with a source map mapped to their sources. */
export function mapScripts(raw, sources) {
  const cache = raw['source-map-cache'];
  if (!cache) return raw.result;
  const out = new Map();
  for (const script of raw.result) {
    const cached = cache[script.url];
    // Node.js 18 also caches a map it could not read (`data` null): the script is taken as it ran.
    if (skippedScript(script.url) || cached?.data == null) {
      out.set(script.url, script);
      continue;
    }
    const { data, lineLengths } = cached;
    let offset = 0;
    const generated = lineLengths.map((length, i) => {
      const line = coverageLine(i + 1, offset, length);
      offset += length;
      return line;
    });
    if (data.sourcesContent != null) data.sources.forEach((s, j) => sources.lines(s, data.sourcesContent[j]));
    const entries = mapEntries(data);
    for (const { ranges, functionName, isBlockCoverage } of script.functions) {
      if (ranges == null) continue;
      const { url, ranges: mapped } = mapFunction(ranges, generated, entries, sources);
      if (!url) continue;
      const target = out.get(url) ?? { url, functions: [] };
      target.functions.push({ functionName, ranges: mapped, isBlockCoverage });
      out.set(url, target);
    }
  }
  return [...out.values()];
}
