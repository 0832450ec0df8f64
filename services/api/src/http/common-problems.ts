import type { OpenAPIHono } from '@hono/zod-openapi'
import { problemResponse } from './problem.js'

type Registry = OpenAPIHono['openAPIRegistry']

/**
 * Adds to the OpenAPI document the problems that middleware answers before any route runs, so
 * that each route need not list them: 401 on every /v1 route (bearer auth), 403 on every change
 * (a GET needs only `read`, which every token holds), 400 wherever a path, query or body is
 * checked (the validation hook), 413 wherever a body is taken (the body limit). A route's own
 * description of a status wins. Call it once, after every route is registered.
 */
export function documentCommonProblems(registry: Registry): void {
  for (const definition of registry.definitions) {
    if (definition.type !== 'route' || !definition.route.path.startsWith('/v1/')) continue
    const { route } = definition
    const checked = Boolean(route.request?.params || route.request?.query || route.request?.body)
    route.responses = {
      ...(checked ? { 400: problemResponse('The path, query or body fails its schema') } : {}),
      401: problemResponse('No bearer token, or one that is unknown or revoked'),
      ...(route.method === 'get' ? {} : { 403: problemResponse('The token lacks the scope this needs') }),
      ...(route.request?.body ? { 413: problemResponse('The body is larger than the limit') } : {}),
      ...route.responses,
    }
  }
}
