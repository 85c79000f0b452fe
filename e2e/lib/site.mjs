// Runs `grail serve` on a temporary copy of the demo blog that has a
// writer's account, made as an author would: `grail user add` with the
// password on standard input. The copy is removed when the server stops.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { grailBinary, freePort, repoRoot } from './grail.mjs';

export const WRITER = 'writer';
export const PASSWORD = 'a long enough password';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// copyDemo makes a writable copy of examples/demo and adds the account.
export function copyDemo() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grail-admin-e2e-'));
  cpSync(path.join(repoRoot, 'examples', 'demo'), dir, {
    recursive: true,
    filter: (src) => !src.endsWith('.go'),
  });
  const r = spawnSync(grailBinary(), ['user', 'add', WRITER, '--site', dir], {
    input: `${PASSWORD}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`grail user add failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
  }
  return dir;
}

// startSite serves a fresh copy of the demo and resolves once /healthz
// answers. The result has origin, host, dir, log() and stop().
export async function startSite({ startTimeoutMs = 20_000 } = {}) {
  const dir = copyDemo();
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const origin = `http://${host}`;
  const child = spawn(grailBinary(), ['serve', '--addr', host, dir], {
    cwd: os.tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GRAIL_SITE: '' },
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-200_000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let exited = null;
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
  const kill = () => {
    if (exited === null) {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  };
  process.on('exit', kill);
  const stop = async () => {
    process.removeListener('exit', kill);
    if (exited === null) {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(kill, 10_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      await stop();
      throw new Error(`grail serve exited early (${JSON.stringify(exited)}):\n${output}`);
    }
    try {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 204) return { origin, host, dir, stop, log: () => output };
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  await stop();
  throw new Error(`grail serve did not answer /healthz within ${startTimeoutMs} ms:\n${output}`);
}
