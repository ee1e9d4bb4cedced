// Lines of source files as Node.js 20's coverage sees them (v8_coverage.mjs, source_maps.mjs): a line spans
// its characters without its line break, an empty line counts as run, and `/* node:coverage ignore next [N] */`,
// `/* node:coverage disable */` and `enable` comments leave lines out. A coverage range sets the count of each
// line it spans whole.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const IGNORE_NEXT = /\/\* node:coverage ignore next (?<count>\d+ )?\*\//;
const SWITCH = /\/\* node:coverage (?<status>enable|disable) \*\//;

/** Line `number`, from offset `start`, `length` characters of which `breakLength` are its line break. */
export function coverageLine(number, start, length, breakLength = 0) {
  const end = start + length - breakLength;
  return { line: number, start, end, ignore: false, count: start === end ? 1 : 0 };
}

/** The lines of a source text, with its coverage comments applied. */
export function sourceLines(source) {
  const lines = [];
  let offset = 0;
  let skip = 0;
  let enabled = true;
  for (const [i, text] of source.split(/(?<=\r?\n)/u).entries()) {
    const line = coverageLine(i + 1, offset, text.length, /\r?\n$/u.exec(text)?.[0].length ?? 0);
    offset += text.length;
    if (skip > 0) {
      skip -= 1;
      line.ignore = true;
    } else if (!enabled) {
      line.ignore = true;
    }
    const next = line.ignore ? null : IGNORE_NEXT.exec(text);
    if (next) skip = Number.parseInt(next.groups.count ?? '1', 10);
    const status = SWITCH.exec(text)?.groups.status;
    if (status) {
      skip = 0;
      enabled = status === 'enable';
    }
    lines.push(line);
  }
  return lines;
}

/**
 * The lines a range touches, from the one its start is in (none when no line holds its start); sets the
 * count of those it spans whole. The search probes lines as node's does, which matters where lines touch.
 */
export function rangeLines({ startOffset, endOffset, count }, lines) {
  let low = 0;
  let high = lines.length;
  while (low <= high) {
    let at = Math.floor((low + high) / 2);
    const probe = lines[at];
    if (probe && startOffset >= probe.start && startOffset <= probe.end) {
      const touched = [];
      for (let line = probe; line && endOffset > line.start; line = lines[++at]) {
        if (startOffset <= line.start && endOffset >= line.end) line.count = count;
        touched.push(line);
      }
      return touched;
    }
    if (probe && startOffset >= probe.end) low = at + 1;
    else high = at - 1;
  }
  return [];
}

/** The lines of each file by URL, read once; a file that cannot be read is `null`. */
export class SourceCache {
  constructor() {
    this.byUrl = new Map();
  }

  /** `source` is the file's text where a source map carries it; otherwise the file is read. */
  lines(url, source) {
    if (this.byUrl.has(url)) return this.byUrl.get(url);
    let lines = null;
    try {
      lines = sourceLines(source ?? fs.readFileSync(fileURLToPath(url), 'utf8'));
    } catch {
      // deleted since, or not a file: left out
    }
    this.byUrl.set(url, lines);
    return lines;
  }
}

export function skippedScript(url) {
  return url.includes('/node_modules/') || !url.startsWith('file:');
}
