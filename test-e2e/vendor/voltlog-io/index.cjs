'use strict'
// The three names ocpp-ws-io imports. Its logger is built only when logging is on; this one writes
// JSON lines to stderr, enough for a look at what the library says while debugging a test.
const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']
const rank = (level) => Math.max(0, levels.indexOf(String(level ?? 'INFO').toUpperCase()))

const consoleTransport = (options = {}) => ({
  name: 'console',
  level: options.level,
  write: (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`),
})

function createLogger(options = {}, context = {}) {
  const min = rank(options.level)
  const transports = options.transports ?? [consoleTransport()]
  const log = (level) => (message, meta) => {
    if (rank(level) < min) return
    const entry = { level, time: Date.now(), message, ...context, ...(meta ?? {}) }
    for (const t of transports) t.write(entry)
  }
  return {
    trace: log('TRACE'),
    debug: log('DEBUG'),
    info: log('INFO'),
    warn: log('WARN'),
    error: log('ERROR'),
    fatal: log('FATAL'),
    child: (more) => createLogger(options, { ...context, ...more }),
  }
}

exports.createLogger = createLogger
exports.consoleTransport = consoleTransport
exports.prettyTransport = consoleTransport
