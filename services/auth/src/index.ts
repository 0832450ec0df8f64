export { startAuth } from './app.js'
export { type AuthConfig, AuthConfigSchema, readConfig } from './config.js'
