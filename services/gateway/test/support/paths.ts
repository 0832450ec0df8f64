import { resolve } from 'node:path'

/** The repository root, seen from services/gateway/dist/test/support. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../../../..')
export const GATEWAY_MAIN = resolve(REPO_ROOT, 'services/gateway/dist/src/main.js')
export const AUTH_MAIN = resolve(REPO_ROOT, 'services/auth/dist/src/main.js')
