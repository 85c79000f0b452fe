// Called first by `npm test` and `npm run screenshot` (npm's pre- hooks
// do not run: .npmrc turns scripts off): installs the npm packages with
// `npm ci` when node_modules is missing or does not match
// package-lock.json, so a fresh clone needs no separate step. Install
// scripts stay off, so nothing is fetched but the registry's packages.
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function upToDate() {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    if (!key.startsWith('node_modules/')) continue;
    const manifest = path.join(root, key, 'package.json');
    if (!existsSync(manifest)) return false;
    if (JSON.parse(readFileSync(manifest, 'utf8')).version !== entry.version) return false;
  }
  return true;
}

export function ensureDeps() {
  if (upToDate()) return;
  console.error('e2e: node_modules is missing or stale; running npm ci');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], timeout: 10 * 60_000 });
  if (r.status !== 0) {
    throw new Error(`npm ci in ${root} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
  if (!upToDate()) throw new Error('npm ci did not install what package-lock.json lists');
}
