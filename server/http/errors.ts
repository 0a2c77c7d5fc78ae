import { ApiError } from '../../shared/sync/errors';

/** A refusal the server answers with (status, code, messages in English and Chinese). */
export class RequestError extends ApiError {
  override name = 'RequestError';
}

export const refuse = (status: number, code: string, message: string, messageZh?: string): never => {
  throw new RequestError(status, code, message, messageZh);
};
