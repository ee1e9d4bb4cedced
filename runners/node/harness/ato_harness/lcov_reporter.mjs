// node:test's `lcov` reporter as Node.js 20 writes it, for a node that lacks it (Node.js 18, through
// test_launcher.mjs, whose `test:coverage` summary comes from v8_coverage.mjs). For each file of the summary,
// paths relative to the working directory: its functions (`FN`, `FNDA`, an unnamed one as `anonymous_<i>`),
// their counts, each branch as `BRDA:<line>,<i>,0,<count>`, its lines by number (`DA`) and their counts.

import path from 'node:path';

export function lcovText({ workingDirectory, files }) {
  let out = 'TN:\n';
  for (const file of files) {
    out += `SF:${path.relative(workingDirectory, file.path)}\n`;
    const names = file.functions.map((f, j) => f.name || `anonymous_${j}`);
    out += file.functions.map((f, j) => `FN:${f.line},${names[j]}\n`).join('');
    out += file.functions.map((f, j) => `FNDA:${f.count},${names[j]}\n`).join('');
    out += `FNF:${file.totalFunctionCount}\nFNH:${file.coveredFunctionCount}\n`;
    out += file.branches.map((b, j) => `BRDA:${b.line},${j},0,${b.count}\n`).join('');
    out += `BRF:${file.totalBranchCount}\nBRH:${file.coveredBranchCount}\n`;
    out += [...file.lines].sort((a, b) => a.line - b.line).map((l) => `DA:${l.line},${l.count}\n`).join('');
    out += `LH:${file.coveredLineCount}\nLF:${file.totalLineCount}\nend_of_record\n`;
  }
  return out;
}

export default async function* lcovReporter(source) {
  for await (const event of source) {
    if (event.type === 'test:coverage') yield lcovText(event.data.summary);
  }
}
