// `npm test`: installs the npm packages if needed, builds grail once (unless $GRAIL_BIN names a binary), then
// runs every test under node's test runner with that binary.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { grailBinary } from './lib/grail.mjs';
import { ensureDeps } from './lib/ensure-deps.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
ensureDeps();
process.env.GRAIL_BIN = grailBinary();

const files = readdirSync(path.join(here, 'test')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join('test', f));
const args = ['--test', '--test-concurrency=1', '--test-timeout=300000', ...process.argv.slice(2), ...files];
const child = spawn(process.execPath, args, { cwd: here, stdio: 'inherit' });
// The whole run is bounded: 20 minutes, then the runner is stopped.
const timer = setTimeout(() => {
  console.error('e2e: the tests took longer than 20 minutes; stopping them');
  child.kill('SIGTERM');
}, 20 * 60_000);
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  process.exit(code ?? (signal ? 1 : 0));
});
