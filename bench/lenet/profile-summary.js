// `node bench/lenet/profile-summary.js <file.cpuprofile> [top]`: self time per function, as a Markdown table.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [file, top = '15'] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.js <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${basename(url)}:${lineNumber + 1}` : '';
  const name = `${functionName || '(anonymous)'} ${where}`.trim();
  selfUs.set(name, (selfUs.get(name) ?? 0) + (deltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
console.log('| function | self ms | self % |\n|---|---|---|');
for (const [name, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`| ${name} | ${(us / 1e3).toFixed(0)} | ${((100 * us) / total).toFixed(1)} |`);
}
console.log(`| total | ${(total / 1e3).toFixed(0)} | 100 |`);
