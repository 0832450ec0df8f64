import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

/**
 * Last-resort cleanup for processes the testkit started. `after(() => handle.stop())` is the
 * normal path; this covers a test file that crashes or calls process.exit() before its hooks run.
 *
 * Node runs 'exit' listeners synchronously and then dies, so every cleanup here must be
 * synchronous: it sends a signal and returns. Servers then shut down on their own.
 */
export type CleanupFn = () => void

const cleanups = new Map<number, CleanupFn>()
let nextId = 1
let installed = false

// Signals that end a test run from outside (Ctrl-C, the runner's kill, a closed terminal).
const TERMINATING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

function runAll(): void {
  for (const [id, cleanup] of cleanups) {
    cleanups.delete(id)
    try {
      cleanup()
    } catch {
      // One failed kill must not stop the others.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // When the program has its own handler it owns shutdown (and will exit, running 'exit').
  // When ours is the only one, keep Node's default meaning: clean up, then die of the signal.
  if (process.listenerCount(signal) > 1) return
  runAll()
  process.removeListener(signal, onSignal)
  process.kill(process.pid, signal)
}

function install(): void {
  if (installed) return
  installed = true
  process.on('exit', runAll)
  for (const signal of TERMINATING_SIGNALS) process.on(signal, onSignal)
}

/**
 * Registers a synchronous cleanup to run if the process exits while it is still registered.
 * Returns the function that unregisters it (call it once the resource was stopped normally).
 */
export function onProcessExit(cleanup: CleanupFn): () => void {
  install()
  const id = nextId++
  cleanups.set(id, cleanup)
  return () => {
    cleanups.delete(id)
  }
}

/** Sends `signal` to `pid`, ignoring a process that is already gone. */
export function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // ESRCH: it already exited, which is what we wanted.
  }
}

/**
 * True while a process with this pid runs (signal 0 checks without sending anything).
 * A zombie counts as gone: it has exited and only waits for a parent that may never reap it.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat is "pid (comm) S ...": the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z'
  } catch {
    return false
  }
}

/**
 * Removes a throwaway server's folder once its process is gone, from a detached shell, since
 * an exit hook cannot wait. Without this a crashed test file leaves its data folders behind.
 */
export function removeWhenGone(pid: number, path: string): void {
  // Bounded: at most 60 s of waiting, then the folder is removed anyway.
  const script =
    'i=0; while kill -0 "$0" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.2; i=$((i+1)); done; rm -rf "$1"'
  try {
    spawn('/bin/sh', ['-c', script, String(pid), path], { detached: true, stdio: 'ignore' }).unref()
  } catch {
    // No shell: the folder stays, which costs disk, not correctness.
  }
}
