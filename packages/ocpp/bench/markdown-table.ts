export type Align = 'left' | 'right'

/**
 * A Markdown table laid out the way Biome formats one (cells padded to the column, numbers
 * right-aligned), so that a fresh BENCHMARKS.md passes `biome check` as written.
 */
export function markdownTable(header: string[], align: Align[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const cell = (text: string, i: number) => {
    const width = widths[i] ?? 3
    return align[i] === 'right' ? text.padStart(width) : text.padEnd(width)
  }
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  const rule = widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)))
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)]
}
