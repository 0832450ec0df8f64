import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { killQuietly, onProcessExit } from './exit-cleanup.js'
import { TestkitError } from './testkit-error.js'

export type SpawnProcessOptions = {
  /** Printed as `[name] ` before each output line. */
  name: string
  command: string
  args?: readonly string[]
  /** Added to (not replacing) the parent's environment. */
  env?: Readonly<Record<string, string | undefined>>
  cwd?: string
  /** Keep output out of the console; it is still kept for `recentOutput()`. */
  silent?: boolean
  /**
   * Its own process group: a terminal's Ctrl-C then reaches only the parent, which stops its
   * children in order (the gateway before NATS), instead of every process at once.
   */
  ownProcessGroup?: boolean
}

export type ProcessHandle = {
  readonly name: string
  readonly pid: number
  /** Resolves with the exit code, or null when a signal ended the process. */
  readonly exited: Promise<number | null>
  /** SIGTERM (or `signal`), then SIGKILL after `timeoutMs`; resolves once the process is gone. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>
  /** The last lines of stdout and stderr, oldest first, for error messages. */
  recentOutput(): readonly string[]
}

const KEPT_LINES = 200

/**
 * Starts a long-running process (a server, a service) whose output is prefixed with its name.
 * It is killed when this process exits, so a crashed test leaves nothing behind.
 */
export function spawnProcess(options: SpawnProcessOptions): Promise<ProcessHandle> {
  const { name, command, args = [], env, cwd, silent = false, ownProcessGroup = false } = options
  const child = spawn(command, args, {
    cwd,
    env: env === undefined ? process.env : { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownProcessGroup,
  })
  const lines: string[] = []
  const keep = (line: string) => {
    lines.push(line)
    if (lines.length > KEPT_LINES) lines.shift()
  }
  pipeLines(child.stdout, silent ? undefined : process.stdout, name, keep)
  pipeLines(child.stderr, silent ? undefined : process.stderr, name, keep)

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code))
  })
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      reject(new TestkitError(`could not start ${name} (${command}): ${error.message}`, { cause: error }))
    })
    child.once('spawn', () => {
      const pid = child.pid as number
      const unregister = onProcessExit(() => killQuietly(pid, 'SIGKILL'))
      void exited.then(unregister)
      resolve({
        name,
        pid,
        exited,
        stop: (signal = 'SIGTERM', timeoutMs = 5_000) => stopChild(child, exited, signal, timeoutMs),
        recentOutput: () => [...lines],
      })
    })
  })
}

function pipeLines(
  from: Readable | null,
  to: Writable | undefined,
  name: string,
  keep: (line: string) => void,
): void {
  if (from === null) return
  const reader = createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY })
  reader.on('line', (line) => {
    keep(line)
    to?.write(`[${name}] ${line}\n`)
  })
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return exited
  const pid = child.pid as number
  killQuietly(pid, signal)
  // A process that ignores the polite signal gets SIGKILL, which it cannot ignore.
  const timer = setTimeout(() => killQuietly(pid, 'SIGKILL'), timeoutMs)
  try {
    return await exited
  } finally {
    clearTimeout(timer)
  }
}
