/**
 * The one error the testkit throws. It names what failed and, where a server refused to start,
 * carries the server's last output lines in the message: that is what you need to fix it.
 */
export class TestkitError extends Error {
  override readonly name = 'TestkitError'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Formats the last lines a process printed, for an error message. */
export function formatOutputTail(lines: readonly string[], max = 30): string {
  if (lines.length === 0) return '(no output)'
  const tail = lines.slice(-max)
  const skipped = lines.length - tail.length
  return `${skipped > 0 ? `… ${skipped} earlier lines\n` : ''}${tail.map((l) => `  | ${l}`).join('\n')}`
}
