// The HTTP ingress: public surface of src/ingress.
export {
  BASE_PATH,
  CHECK_PATH,
  createIngress,
  createIngressApp,
  INSIGHTS_REQUEST_ID_HEADER,
  OPENAPI_PATH,
  RECHECK_PATH,
  type Ingress,
  type IngressLimits,
  type IngressLogger,
  type IngressOptions,
} from './app.ts';
export { errorBody, HttpError } from '../http/http-error.ts';
export { createIngressMetrics, type IngressMetrics } from './metrics.ts';
export { OrgRateLimiter, type OrgRateLimiterOptions, type TakeResult } from './org-rate-limiter.ts';
export { publishWithTimeout, type Publish } from './publish.ts';
export { checkRequestBodySchema } from './request-body.ts';
