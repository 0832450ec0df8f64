export { ConfigError, type ConfigIssue } from './config-error.js'
export { durationMs, parseDurationMs } from './duration-ms.js'
export { bool, csv, port, type UrlOptions, url } from './env-fields.js'
export { type Env, loadConfig } from './load-config.js'
