// Builds grail and runs `grail serve --demo` on a free loopback port for
// the tests, and stops it again by its process id.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let builtBinary; // this process's build, when $GRAIL_BIN is not set

// grailBinary returns $GRAIL_BIN, or builds ./cmd/grail once per process
// into a temporary folder that is removed when the process exits.
export function grailBinary() {
  if (process.env.GRAIL_BIN) {
    if (!existsSync(process.env.GRAIL_BIN)) {
      throw new Error(`GRAIL_BIN=${process.env.GRAIL_BIN} does not exist`);
    }
    return process.env.GRAIL_BIN;
  }
  if (builtBinary) return builtBinary;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grail-e2e-bin-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'grail');
  const r = spawnSync('go', ['build', '-o', out, './cmd/grail'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 5 * 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) throw new Error(`go build: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`go build ./cmd/grail failed:\n${r.stdout}${r.stderr}`);
  builtBinary = out;
  return out;
}

// freePort asks the kernel for a port on 127.0.0.1 that nothing listens on.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// startGrail runs `grail serve --demo` and resolves once /healthz answers
// 204. The returned object has origin ("http://127.0.0.1:PORT"), host
// ("127.0.0.1:PORT"), pid, log() (what the server printed) and stop().
export async function startGrail({ startTimeoutMs = 20_000 } = {}) {
  const bin = grailBinary();
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await startOn(bin, port, startTimeoutMs);
    } catch (err) {
      lastError = err;
      // Another process may have taken the port in between: try another.
      if (!/address already in use/i.test(err.message)) break;
    }
  }
  throw lastError;
}

async function startOn(bin, port, startTimeoutMs) {
  const host = `127.0.0.1:${port}`;
  const origin = `http://${host}`;
  const child = spawn(bin, ['serve', '--demo', '--addr', host], {
    cwd: os.tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GRAIL_SITE: '' },
  });
  let output = '';
  const keep = (chunk) => {
    output += chunk;
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let exited = null;
  const exitedPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  const pid = child.pid;
  const killOnExit = () => {
    if (exited === null) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  };
  process.on('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited !== null) return exited;
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }, 10_000);
    const r = await exitedPromise;
    clearTimeout(timer);
    return r;
  };

  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      process.removeListener('exit', killOnExit);
      throw new Error(`grail serve exited early (${JSON.stringify(exited)}):\n${output}`);
    }
    try {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 204) {
        return { origin, host, port, pid, stop, log: () => output };
      }
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  await stop();
  throw new Error(`grail serve did not answer /healthz with 204 within ${startTimeoutMs} ms:\n${output}`);
}

// get fetches a path from the server with a time limit and returns the
// status, headers and body text.
export async function get(origin, p, { timeoutMs = 15_000 } = {}) {
  const res = await fetch(origin + p, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body };
}
