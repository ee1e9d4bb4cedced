// Smoke tests: the module loads, and each changed export exists with the right typeof (a function or class;
// for a method, on the class or its prototype).

import { GeneratedTestFile } from './testfile.mjs';

export function smokeTests(target, inspected, names) {
  const file = new GeneratedTestFile(target.path, 'smoke', 'smoke tests (the module loads, its exports exist)');
  file.add(names.take(`${target.path} loads`), null, ['await load();']);
  for (const symbol of target.symbols) {
    const info = inspected?.get(symbol.name);
    if (!info?.found) continue;
    const id = `${target.path}::${symbol.name}`;
    const [owner, ...rest] = symbol.name.split('.');
    const member = rest.join('.');
    if (rest.length === 0) {
      const what = info.isClass ? 'a class' : `a ${info.type}`;
      file.add(names.take(`${target.path} exports ${symbol.name} as ${what}`), id, [
        `const value = pick(await load(), ${JSON.stringify(symbol.name)});`,
        { op: 'equal', actual: 'typeof value', expected: JSON.stringify(info.type) },
        ...(info.isClass ? [{ op: 'match', actual: 'Function.prototype.toString.call(value)', pattern: '/^class\\b/' }] : []),
      ]);
    } else {
      const where = info.how === 'instance' ? `.prototype[${JSON.stringify(member)}]` : `[${JSON.stringify(member)}]`;
      file.add(names.take(`${target.path} ${symbol.name} is a ${info.type}`), id, [
        `const owner = pick(await load(), ${JSON.stringify(owner)});`,
        { op: 'equal', actual: `typeof owner${where}`, expected: JSON.stringify(info.type) },
      ]);
    }
  }
  return file;
}
