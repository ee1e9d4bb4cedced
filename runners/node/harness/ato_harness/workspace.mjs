// Where things are inside the container (runners/PROTOCOL.md), and how a child that loads PR code is run.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode, nodeFlags } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const TS_REGISTER = path.join(HERE, 'ts_register.mjs');
const CHILD = path.join(HERE, 'child.mjs');
/** The project's node_modules, installed by ato's dependency phase (`npm ci`) and mounted read-only. */
export const DEPS_NODE_MODULES = '/deps/node/node_modules';

/**
 * Makes the installed dependencies resolvable from `tree`: a `node_modules` link to them, since ES modules
 * ignore NODE_PATH and resolve only through node_modules folders. A tree that has its own is left alone.
 */
export function linkDependencies(tree, deps = DEPS_NODE_MODULES) {
  const link = path.join(tree, 'node_modules');
  if (!fs.existsSync(deps) || !fs.existsSync(tree) || fs.existsSync(link)) return false;
  fs.symlinkSync(deps, link, 'dir');
  return true;
}

export class Workspace {
  constructor(root) {
    this.root = root;
    this.plan = path.join(root, 'plan.json');
    this.head = path.join(root, 'head');
    this.base = path.join(root, 'base');
    this.out = path.join(root, 'out');
    this.tests = path.join(this.out, 'tests');
    this.scratch = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'ato-node-'));
    this.requests = 0;
    linkDependencies(this.head);
    linkDependencies(this.base);
  }

  tree(side) {
    return side === 'base' ? this.base : this.head;
  }

  /** Runs child.mjs on `request` in `tree`; resolves with the process result (events included). */
  async runChild(request, tree, { timeoutSecs, idleSecs }) {
    this.requests += 1;
    const file = path.join(this.scratch, `request-${this.requests}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...request, tree }));
    return runNode(nodeFlags(['--import', TS_REGISTER, CHILD, file]), {
      cwd: tree,
      env: { NODE_ENV: 'test', TMPDIR: this.scratch },
      timeoutSecs,
      idleSecs,
    });
  }

  cleanup() {
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }
}
