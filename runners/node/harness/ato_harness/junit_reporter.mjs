// node:test's `junit` reporter as Node.js 20 writes it, for a node that lacks it (Node.js 18, through
// test_launcher.mjs): the same document byte for byte but the times (tests/reporters.test.mjs compares the
// two where node has its own).
//
// Tests nest as they started: a test that had tests of its own is a <testsuite> (counts of its tests, those
// that failed and those skipped, the host name), any other a <testcase classname="test"> with a <skipped>
// for `skip` and `todo` and a <failure> (the error's failure type, message, and the error inspected as its
// text) when it failed. Diagnostics become comments where they came. Attributes lose their line breaks and
// have `"` as `&quot;` before `&` is escaped (so it reads `&amp;quot;`), as node's do.

import os from 'node:os';
import { inspect } from 'node:util';

const HOST = os.hostname();
const INSPECT = { colors: false, breakLength: Infinity };

const escapeText = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const escapeAttribute = (s) => escapeText(s.replace(/\n/g, '').replace(/"/g, '&quot;'));

function describeError(error) {
  try {
    return inspect(error, INSPECT);
  } catch {
    return inspect(error, { ...INSPECT, customInspect: false });
  }
}

const hasChild = (node, tag) => node?.children?.some((c) => c.tag === tag);
const failed = (node) => hasChild(node, 'failure') || node?.attrs?.failures;
const skipped = (node) => hasChild(node, 'skipped') || node?.attrs?.skipped;

function toXml(node) {
  if (typeof node === 'string') return `${escapeText(node)}\n`;
  const indent = '\t'.repeat(node.nesting + 1);
  if (node.comment) return `${indent}<!-- ${node.comment.replace(/--/g, '&#45;&#45;')} -->\n`;
  const attrs = Object.entries(node.attrs).map(([k, v]) => `${k}="${escapeAttribute(String(v))}"`).join(' ');
  if (!node.children?.length) return `${indent}<${node.tag} ${attrs}/>\n`;
  return `${indent}<${node.tag} ${attrs}>\n${node.children.map(toXml).join('')}${indent}</${node.tag}>\n`;
}

/** A test that ended (`test:pass` or `test:fail`) becomes a suite or a test case. */
function end(node, event) {
  const d = event.data;
  node.attrs.time = (d.details.duration_ms / 1000).toFixed(6);
  const tests = node.children.filter((c) => c.comment == null);
  if (tests.length > 0) {
    node.tag = 'testsuite';
    Object.assign(node.attrs, { disabled: 0, errors: 0, tests: tests.length,
      failures: node.children.filter(failed).length, skipped: node.children.filter(skipped).length, hostname: HOST });
    return;
  }
  node.tag = 'testcase';
  node.attrs.classname = d.classname ?? 'test';
  const child = (tag, attrs, children) => node.children.push({ nesting: d.nesting + 1, tag, attrs, children });
  if (d.skip) child('skipped', { type: 'skipped', message: d.skip });
  if (d.todo) child('skipped', { type: 'todo', message: d.todo });
  if (event.type === 'test:fail') {
    const error = d.details?.error;
    child('failure', { type: error?.failureType || error?.code, message: error?.message ?? '' },
      [describeError(error)]);
    node.attrs.failure = error?.message ?? '';
  }
}

export default async function* junitReporter(source) {
  yield '<?xml version="1.0" encoding="utf-8"?>\n';
  yield '<testsuites>\n';
  const roots = [];
  let open = null;
  const start = (name, nesting) => {
    const node = { attrs: { name }, nesting, parent: open, children: [] };
    (open ? open.children : roots).push(node);
    open = node;
  };
  for await (const event of source) {
    const d = event.data;
    if (event.type === 'test:start') {
      start(d.name, d.nesting);
    } else if (event.type === 'test:pass' || event.type === 'test:fail') {
      if (!open) start('root', 0);
      if (open.attrs.name !== d.name || open.nesting !== d.nesting) start(d.name, d.nesting);
      const node = open;
      if (open.nesting === d.nesting) open = open.parent;
      end(node, event);
    } else if (event.type === 'test:diagnostic') {
      (open ? open.children : roots).push({ nesting: d.nesting, comment: d.message });
    }
  }
  for (const node of roots) yield toXml(node);
  yield '</testsuites>\n';
}
