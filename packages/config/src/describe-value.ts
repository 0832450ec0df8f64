// Variable names whose values must never reach a log, even inside an error message.
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i
const MAX_SHOWN = 80

/**
 * How a received value appears in an error message: quoted and shortened, with secrets
 * redacted by variable name and passwords removed from URLs (DATABASE_URL carries one).
 */
export function describeValue(variable: string, raw: string): string {
  if (SECRET_NAME.test(variable)) return `<redacted, ${raw.length} characters>`
  const shown = withoutUrlPassword(raw)
  const short = shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}…` : shown
  return JSON.stringify(short)
}

function withoutUrlPassword(raw: string): string {
  // Done on the text rather than through URL, which would also rewrite the rest of the value.
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)[^@\s]*@/i, '$1***@')
}
