import { execFile } from 'node:child_process'
import { TestkitError } from './testkit-error.js'

export type RunCommandOptions = {
  cwd?: string
  env?: Readonly<Record<string, string | undefined>>
  timeoutMs?: number
}

export type CommandResult = { stdout: string; stderr: string }

/**
 * Runs a short command to completion (initdb, pg_ctl, id) and returns its output.
 * On failure the error quotes the command and what it printed, since that is the diagnosis.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const { cwd, env, timeoutMs = 120_000 } = options
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      {
        cwd,
        env: env === undefined ? process.env : { ...process.env, ...env },
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ stdout, stderr })
          return
        }
        const output = `${stdout}${stderr}`.trim()
        const line = [command, ...args].join(' ')
        const why = error.killed
          ? `was killed after ${timeoutMs} ms`
          : `failed (${error.message.split('\n')[0]})`
        reject(new TestkitError(`\`${line}\` ${why}${output ? `:\n${output}` : ''}`, { cause: error }))
      },
    )
  })
}
