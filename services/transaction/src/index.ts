export { startTransaction } from './app.js'
export { readConfig, type TransactionConfig, TransactionConfigSchema } from './config.js'
export { migrations, SCHEMA } from './migrations/index.js'
