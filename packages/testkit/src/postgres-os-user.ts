import { chmod, chown, stat } from 'node:fs/promises'
import { dirname, resolve as resolvePath } from 'node:path'
import { findExecutable } from './local-binaries.js'
import { runCommand } from './run-command.js'
import { TestkitError } from './testkit-error.js'

/**
 * How to run PostgreSQL's programs. PostgreSQL refuses to run as root, so as root they run as
 * the `postgres` system user through runuser, on folders that user owns; otherwise they run
 * as the current user.
 */
export type PostgresOsUser = {
  /** Wraps a command so it runs as the right user. */
  command(command: string, args: readonly string[]): { command: string; args: string[] }
  /** Gives a folder or file to that user (a no-op when not root). */
  own(path: string): Promise<void>
  /** Lets that user walk down to `path` (a no-op when not root). */
  reach(path: string): Promise<void>
}

let cached: Promise<PostgresOsUser> | undefined

export function resolvePostgresOsUser(): Promise<PostgresOsUser> {
  cached ??= resolve()
  return cached
}

async function resolve(): Promise<PostgresOsUser> {
  if (process.getuid?.() !== 0) {
    return {
      command: (command, args) => ({ command, args: [...args] }),
      own: async () => {},
      reach: async () => {},
    }
  }
  const runuser = await findExecutable('runuser')
  if (runuser === undefined) {
    throw new TestkitError('running as root needs `runuser` (util-linux) to start PostgreSQL as `postgres`')
  }
  const [uid, gid] = await Promise.all([idOf('-u'), idOf('-g')])
  return {
    command: (command, args) => ({ command: runuser, args: ['-u', 'postgres', '--', command, ...args] }),
    own: (path) => chown(path, uid, gid),
    reach: grantTraverse,
  }
}

/**
 * Adds the search bit for others (o+x: enter, not list) to every folder above `path` that
 * lacks it, such as a 0700 temp folder root created. Without it the postgres user cannot
 * reach a data folder it owns.
 */
async function grantTraverse(path: string): Promise<void> {
  for (let dir = dirname(resolvePath(path)); ; dir = dirname(dir)) {
    const { mode } = await stat(dir)
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001)
    if (dir === dirname(dir)) return
  }
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  try {
    const { stdout } = await runCommand('id', [flag, 'postgres'], { timeoutMs: 5_000 })
    return Number.parseInt(stdout.trim(), 10)
  } catch (error) {
    throw new TestkitError(
      'PostgreSQL refuses to run as root and there is no `postgres` system user: ' +
        'install PostgreSQL with `apt-get install -y postgresql` (it creates the user) or run as a non-root user',
      { cause: error },
    )
  }
}
