import { z } from 'zod'

export type ContractRequest = {
  stationId: string
  iso15118SchemaVersion: string
  action: 'Install' | 'Update'
  exiRequest: string
  maximumContractCertificateChains?: number | undefined
  prioritizedEMAIDs?: string[] | undefined
}
export type ContractResponse = {
  status: 'Accepted' | 'Failed'
  exiResponse: string
  remainingContracts?: number
  reason?: string
}
export type ContractProvider = { request(req: ContractRequest): Promise<ContractResponse> }

const ProviderAnswerSchema = z.object({
  status: z.enum(['Accepted', 'Failed']),
  exiResponse: z.string().max(17_000),
  remainingContracts: z.number().int().min(0).optional(),
})

/**
 * The contract-certificate provider of Plug & Charge (OCPP 2.0.1 M01/M02): a mobility operator
 * or a Hubject-style backend behind an HTTP endpoint the operator configures. The CSMS passes
 * the EV's EXI request through untouched: POST `{ stationId, iso15118SchemaVersion, action,
 * exiRequest, … }` as JSON, answered `{ status, exiResponse, remainingContracts? }`.
 */
export function createContractProvider(opts: {
  url: string | undefined
  token?: string | undefined
  timeoutMs: number
}): ContractProvider {
  const failed = (reason: string): ContractResponse => ({ status: 'Failed', exiResponse: '', reason })
  return {
    async request(req) {
      if (!opts.url) return failed('no contract certificate provider is configured')
      let res: Response
      try {
        res = await fetch(opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          },
          body: JSON.stringify(req),
          redirect: 'error',
          signal: AbortSignal.timeout(opts.timeoutMs),
        })
      } catch (error) {
        return failed(`provider unreachable: ${(error as Error).message}`)
      }
      if (!res.ok) return failed(`provider answered HTTP ${res.status}`)
      const parsed = ProviderAnswerSchema.safeParse(await res.json().catch(() => undefined))
      if (!parsed.success) return failed('provider answer is not { status, exiResponse }')
      const { remainingContracts, ...rest } = parsed.data
      return { ...rest, ...(remainingContracts === undefined ? {} : { remainingContracts }) }
    },
  }
}
