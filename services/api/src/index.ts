export { createApiApp } from './app.js'
export { type ApiConfig, ApiConfigSchema, readConfig } from './config.js'
