export {
  createPeasSwapClient,
  type FetchLike,
  type PeasSwapClient,
  type PeasSwapClientOptions,
  type RouterInputs,
  type RouterOutputs,
} from './client.js';
export {
  isPeasSwapError,
  PeasSwapError,
  type PeasSwapErrorCode,
  type PeasSwapErrorData,
  type PeasSwapErrorType,
} from './errors.js';
export { type RetryOptions } from './retry.js';
export type { AppRouter } from './router.js';
export { verifyWebhook, type WebhookEvent, type WebhookHeaders } from './webhooks.js';
