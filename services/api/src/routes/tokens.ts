import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { problem, problemResponse } from '../http/problem.js'
import { SCOPES } from '../tokens/scopes.js'
import type { TokenStore } from '../tokens/token-store.js'

const TokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
})

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/** Operator tokens: created (the secret is shown once), listed without secrets, revoked. */
export function registerTokenRoutes(app: OpenAPIHono, store: TokenStore) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/tokens',
      summary: 'Create an operator token (admin); the token itself is returned only here',
      request: {
        body: {
          content: {
            'application/json': {
              schema: z
                .object({ name: z.string().min(1).max(100), scopes: z.array(z.enum(SCOPES)).min(1) })
                .strict(),
            },
          },
        },
      },
      responses: { 201: json(TokenInfoSchema.extend({ token: z.string() }), 'The new token') },
    }),
    async (c) => {
      const { name, scopes } = c.req.valid('json')
      return c.json(await store.create(name, [...new Set(scopes)]), 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/tokens',
      summary: 'Operator tokens (without their secrets)',
      responses: { 200: json(z.object({ items: z.array(TokenInfoSchema) }), 'Tokens') },
    }),
    async (c) => c.json({ items: await store.list() }, 200),
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/tokens/{id}',
      summary: 'Revoke a token; every API replica refuses it within seconds',
      request: { params: z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 204: { description: 'Revoked' }, 404: problemResponse('No such active token') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      if (!(await store.revoke(id))) return problem(c, 404, `no active token ${id}`)
      return c.body(null, 204)
    },
  )
}
