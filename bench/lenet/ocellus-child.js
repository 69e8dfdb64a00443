// The Ocellus side of remote.js: OCELLUS_THREADS (set by the parent) fixes the threads for the process.
import { createInterface } from 'node:readline';
import { timeCalls } from './harness.js';
import { ocellus } from './ocellus.js';

const prepared = new Map();
console.log(JSON.stringify({ ready: true }));
for await (const line of createInterface({ input: process.stdin })) {
  const [mode, batch, , budget] = line.split(' ');
  const key = `${mode} ${batch}`;
  if (!prepared.has(key)) prepared.set(key, await ocellus[mode](Number(batch)));
  const seconds = await timeCalls(prepared.get(key).run, Number(budget));
  console.log(JSON.stringify({ seconds }));
}
