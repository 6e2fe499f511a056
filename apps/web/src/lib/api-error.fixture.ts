import { TRPCClientError } from '@trpc/client';

/** An error as the client builds it from the API's answer (see the API's errorFormatter). */
export function apiError(
  message: string,
  data: { type: string; code: string; httpStatus: number; param?: string; customer?: string },
) {
  return TRPCClientError.from({
    error: { code: -32001, message, data: { ...data, path: 'customers.list', requestId: 'req_1' } },
  });
}
