import fc from 'fast-check'

const pad = (n: number, width: number) => String(n).padStart(width, '0')

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

const validOffset = fc.oneof(
  fc.constantFrom('Z', 'z'),
  fc
    .tuple(
      fc.constantFrom('+', '-'),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.nat(2),
    )
    .map(
      ([sign, h, m, style]) =>
        `${sign}${pad(h, 2)}${style === 0 ? `:${pad(m, 2)}` : style === 1 ? pad(m, 2) : ''}`,
    ),
)

/** RFC 3339 date-times every validator must accept: all separators, offsets and fractions it allows. */
export const validDateTime: fc.Arbitrary<string> = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    time: fc.tuple(
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 59 }),
    ),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
    separator: fc.constantFrom('T', 'T', 'T', 't', ' '),
    offset: validOffset,
  })
  .map(({ year, month, day, time: [h, m, s], fraction, separator, offset }) => {
    const d = Math.min(day, daysIn(year, month))
    const frac = fraction === undefined ? '' : `.${fraction}`
    return `${pad(year, 4)}-${pad(month, 2)}-${pad(d, 2)}${separator}${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${frac}${offset}`
  })

/**
 * Strings built from the parts of a date-time, each part drawn from valid and invalid choices:
 * month 13, 30 February, a missing or malformed offset, leap seconds on either side of midnight
 * UTC, 20 fraction digits that round up when read as a double, exotic whitespace as separator.
 */
export const nearDateTime: fc.Arbitrary<string> = fc
  .record({
    year: fc.constantFrom('2024', '2023', '1900', '2000', '0000', '9999', '202', '20245', '２０２４'),
    month: fc.constantFrom('01', '02', '12', '00', '13', '1', '2a'),
    day: fc.constantFrom('01', '28', '29', '30', '31', '00', '32', '1'),
    separator: fc.constantFrom('T', 't', ' ', '\t', '\n', '\u2028', '\u00a0', '\u3000', 'x', '', 'TT', '_'),
    hour: fc.constantFrom('00', '12', '23', '24', '99', '0'),
    minute: fc.constantFrom('00', '30', '59', '60', '5'),
    second: fc.constantFrom('00', '59', '60', '61', '6'),
    fraction: fc.constantFrom(
      '',
      '',
      '.',
      '.0',
      '.123',
      '.999999999999',
      '.9999999999999999999',
      '.12345678901234567',
      '.x',
    ),
    offset: fc.constantFrom(
      '',
      'Z',
      'z',
      '+00:00',
      '-00:00',
      '+01:00',
      '-01:00',
      '+00:01',
      '-00:01',
      '+23:59',
      '+24:00',
      '+05:60',
      '+05',
      '+0530',
      '+05:3',
      '+05:',
      '+5:00',
      'ZZ',
      'Z ',
      'UTC',
    ),
  })
  .map(
    (p) =>
      `${p.year}-${p.month}-${p.day}${p.separator}${p.hour}:${p.minute}:${p.second}${p.fraction}${p.offset}`,
  )

/** Absolute URIs of the shapes OCPP 1.6 firmware and diagnostics locations take. */
export const validUri: fc.Arbitrary<string> = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    'ftp://user:secret@files.example.com:21/firmware/v1.2.bin',
    'sftp://192.168.0.10/diag',
    'https://[2001:db8::1]:8443/upload',
    'urn:isbn:0451450523',
    'mailto:ops@example.com',
    'file:///var/log/diagnostics.zip',
  ),
)

/** URI-like strings from valid and broken parts: bad schemes, IPv6 and IPvFuture hosts, stray characters. */
export const nearUri: fc.Arbitrary<string> = fc
  .record({
    scheme: fc.constantFrom(
      'http:',
      'https:',
      'ftp:',
      'urn:',
      'x:',
      'a+b.c-d:',
      '1http:',
      ':',
      '',
      'h t:',
      'HTTP:',
    ),
    hier: fc.constantFrom(
      '//host',
      '//user:pw@host:8080',
      '//[::1]',
      '//[v1.x]',
      '//[vz.x]',
      '//[::ffff:1.2.3.4]',
      '//[::ffff:01.2.3.4]',
      '//[1:2:3:4:5:6:7:8:9]',
      '//[::1',
      '//1.2.3.4',
      '//256.1.1.1',
      '/path',
      'path/rel',
      '',
      '//',
      '///x',
      '/',
      '/x:y',
    ),
    path: fc.constantFrom('', '/a', '/a/b', '/%20', '/%zz', '/a b', '/a|b', '/ä', '/a/../b'),
    tail: fc.constantFrom('', '?q=1', '?%20', '#frag', '#a#b', '?[x]', '?a=1#f', '#', '?'),
  })
  .map((p) => `${p.scheme}${p.hier}${p.path}${p.tail}`)
