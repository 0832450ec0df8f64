import { webcrypto } from 'node:crypto'
import * as pkijs from 'pkijs'

// PKI.js signs and verifies through WebCrypto: give it Node's, once, for every module here.
type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto']
pkijs.setEngine(
  'node',
  new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as EngineCrypto }),
)

export { pkijs }
