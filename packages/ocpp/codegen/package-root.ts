import { fileURLToPath } from 'node:url'

/** The package directory: everything here runs compiled from dist/<folder>/, two levels below it. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url))
