// The one thing the console keeps in the browser: the credential, in sessionStorage (gone when the
// tab closes; "Sign out" removes it). Who the credential is comes from GET /v1/session, or, on a
// Herald without that call, from whether the admin-only workspace list answers.
import { ApiError, isMissingRoute, type HeraldApi } from './api';
import type { Session } from './types';

const CREDENTIAL = 'herald.console.credential';

export const credential = {
  read(): string | null {
    return sessionStorage.getItem(CREDENTIAL);
  },
  write(value: string): void {
    sessionStorage.setItem(CREDENTIAL, value);
  },
  clear(): void {
    sessionStorage.removeItem(CREDENTIAL);
  },
};

/** Who `api`'s credential is. A refused credential throws the API's 401. */
export async function resolveSession(api: HeraldApi): Promise<Session> {
  try {
    return await api.session();
  } catch (error) {
    if (!isMissingRoute(error)) throw error;
  }
  try {
    await api.workspaces(undefined, { probe: true });
    return { kind: 'admin' };
  } catch (error) {
    // Not the admin key: a workspace key, whose workspace the person names once.
    if (error instanceof ApiError && error.status === 401) return { kind: 'workspace' };
    throw error;
  }
}
