// Child processes for the benchmark runner: start one, wait for its "ready" line on stdout
// with a deadline, stop it with SIGTERM (SIGKILL after a grace period).
import { spawn } from 'node:child_process';

// Every child runs in its own session (detached), hence its own scheduler autogroup: with
// kernel.sched_autogroup_enabled = 1 the CPU is shared fairly between sessions, so a server
// in the runner's session would compete with the load generator for one share.
const live = new Set();
process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });

export function start(name, cmd, args, { env = {}, quiet = false } = {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child);
  child.on('exit', () => live.delete(child));
  const proc = { name, child, stdout: '', stderrTail: [], exited: null };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => { proc.stdout += d; });
  child.stderr.on('data', (d) => {
    for (const line of d.split('\n').filter(Boolean)) {
      proc.stderrTail.push(line);
      if (proc.stderrTail.length > 40) proc.stderrTail.shift();
      if (!quiet) process.stderr.write(`  [${name}] ${line}\n`);
    }
  });
  proc.done = new Promise((resolve) => child.on('exit', (code, signal) => {
    proc.exited = { code, signal };
    resolve(proc.exited);
  }));
  child.on('error', (e) => { proc.stderrTail.push(String(e)); });
  return proc;
}

// Resolves with the regex match on the first stdout line that matches; rejects on exit or timeout.
export function waitForLine(proc, regex, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${proc.name}: no "${regex}" within ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      const m = proc.stdout.match(regex);
      if (m) finish(null, m);
    };
    const onExit = () => finish(new Error(`${proc.name} exited (${JSON.stringify(proc.exited)}): ${proc.stderrTail.slice(-5).join(' | ')}`));
    function finish(err, m) {
      clearTimeout(timer);
      proc.child.stdout.off('data', check);
      proc.child.off('exit', onExit);
      err ? reject(err) : resolve(m);
    }
    proc.child.stdout.on('data', check);
    proc.child.on('exit', onExit);
    check();
  });
}

export async function stop(proc, graceMs = 5000) {
  if (!proc || proc.exited) return proc?.exited;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => { if (!proc.exited) proc.child.kill('SIGKILL'); }, graceMs);
  const result = await proc.done;
  clearTimeout(timer);
  return result;
}
