import type { ChildProcess } from 'node:child_process'

const alive = new Set<ChildProcess>()

/**
 * Kills the child when the benchmark exits, however it exits. One process 'exit' listener for
 * all children: a dozen servers and generators at once would otherwise trip Node's
 * MaxListenersExceededWarning.
 */
export function killOnExit(child: ChildProcess): void {
  if (alive.size === 0) process.once('exit', killAll)
  alive.add(child)
  child.once('exit', () => {
    alive.delete(child)
    if (alive.size === 0) process.off('exit', killAll)
  })
}

function killAll(): void {
  for (const child of alive) child.kill('SIGKILL')
}
