// The runner contract made executable, for the Node harness's tests: the example files of runners/contract/
// (in the image: /opt/ato/contract) and a shape checker with the same rules as the Python one
// (ato_runner/contract.py):
// - a value must have the example's JSON type (an integer where the example has a number is fine);
// - an object has the example's fields: none missing, none unknown;
// - the items of an array each follow the example's items, taken together: a field the example has in only
//   some items is optional, and a field given once as a string and once as null may be either;
// - the objects named in shapes.json under `maps` have free keys, and their values follow the example's values.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// In the image the examples are beside the tests' folder; in a checkout, runners/contract.
const CANDIDATE_DIRS = [path.join(HERE, '..', 'contract'), path.join(HERE, '..', '..', '..', 'contract')];

/** The folder of the example files (ATO_CONTRACT_DIR overrides where it is looked for). */
export function contractDir() {
  const dirs = [process.env.ATO_CONTRACT_DIR, ...CANDIDATE_DIRS].filter(Boolean);
  const found = dirs.find((dir) => fs.existsSync(path.join(dir, 'shapes.json')));
  if (!found) throw new Error("the runner contract's example files (runners/contract) are not where the tests look");
  return found;
}

/** The example `name` (`manifest.json`…), decoded. */
export function example(name) {
  return JSON.parse(fs.readFileSync(path.join(contractDir(), name), 'utf8'));
}

function kind(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function check(value, examples, where, key, maps) {
  const kinds = new Set(examples.map(kind));
  const k = kind(value);
  if (!kinds.has(k) && !(k === 'integer' && kinds.has('number'))) {
    return [`${where}: ${k} where the contract has ${[...kinds].sort().join(' or ')}`];
  }
  if (k === 'array') {
    const items = examples.filter(Array.isArray).flat();
    return items.length ? value.flatMap((item, i) => check(item, items, `${where}[${i}]`, `${key}[]`, maps)) : [];
  }
  if (k !== 'object') return [];
  const objects = examples.filter((e) => kind(e) === 'object');
  if (maps.has(key)) {
    const values = objects.flatMap((o) => Object.values(o));
    return values.length
      ? Object.entries(value).flatMap(([name, item]) => check(item, values, `${where}.${name}`, `${key}.*`, maps))
      : [];
  }
  const known = new Set(objects.flatMap((o) => Object.keys(o)));
  const required = [...known].filter((name) => objects.every((o) => name in o)).sort();
  const errors = required.filter((name) => !(name in value)).map((name) => `${where}: no field '${name}'`);
  for (const name of Object.keys(value)) if (!known.has(name)) errors.push(`${where}: unknown field '${name}'`);
  for (const [name, item] of Object.entries(value)) {
    if (!known.has(name)) continue;
    const fieldKey = key ? `${key}.${name}` : name;
    errors.push(...check(item, objects.filter((o) => name in o).map((o) => o[name]), `${where}.${name}`, fieldKey,
      maps));
  }
  return errors;
}

/** How `document` departs from the shape of the example `name`; empty when it follows it. */
export function shapeErrors(document, name) {
  const maps = new Set(example('shapes.json')[name].maps);
  return check(document, [example(name)], '$', '', maps);
}
