// The platform's HTTP API: bearer tokens from /api/auth/login, refreshed through /api/auth/refresh on a 401,
// problem+json errors turned into ApiError (title, detail, field errors).

const store = window.sessionStorage;
const KEY = 'quantumlm.auth';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.errors = problem?.errors ?? null;
  }
}

/** The signed-in user's tokens (kept for this browser tab only). */
export const auth = {
  get state() { try { return JSON.parse(store.getItem(KEY) ?? 'null'); } catch { return null; } },
  get accessToken() { return this.state?.access_token ?? null; },
  get email() { return this.state?.email ?? null; },
  save(tokens, email) {
    store.setItem(KEY, JSON.stringify({ access_token: tokens.access_token, refresh_token: tokens.refresh_token, email: email ?? this.email }));
  },
  clear() { store.removeItem(KEY); },
};

let refreshing = null;

/** Exchanges the refresh token for new tokens (one request at a time); false when the session is over. */
export function refreshTokens() {
  if (!refreshing) {
    refreshing = (async () => {
      const refresh = auth.state?.refresh_token;
      if (!refresh) return false;
      try {
        const res = await fetch('/api/auth/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ refresh_token: refresh }),
        });
        if (!res.ok) { auth.clear(); window.dispatchEvent(new Event('auth:lost')); return false; }
        auth.save(await res.json());
        return true;
      } catch {
        return false;
      }
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls the API; JSON in and out. Throws ApiError with the problem details on a non-2xx answer. */
export async function api(path, { method = 'GET', body, signal, anonymous = false } = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (!anonymous && auth.accessToken) headers.Authorization = `Bearer ${auth.accessToken}`;
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store' });
    if (res.status === 401 && !anonymous && attempt === 0 && (await refreshTokens())) continue;
    if (res.status === 429 && attempt < 2) {
      const wait = Number(res.headers.get('Retry-After')) || 1;
      await sleep(Math.min(wait, 10) * 1000);
      continue;
    }
    if (res.status === 401 && !anonymous) window.dispatchEvent(new Event('auth:lost'));
    const type = res.headers.get('Content-Type') ?? '';
    const payload = res.status === 204 ? null : type.includes('json') ? await res.json().catch(() => null) : await res.text();
    if (!res.ok) throw new ApiError(res.status, typeof payload === 'object' && payload !== null ? payload : { title: `HTTP ${res.status}`, detail: payload || undefined });
    return payload;
  }
}

export async function login(email, password) {
  const tokens = await api('/api/auth/login', { method: 'POST', body: { email, password }, anonymous: true });
  auth.save(tokens, email);
  return tokens;
}

export async function signup(email, password, displayName) {
  const body = { email, password };
  if (displayName) body.display_name = displayName;
  return api('/api/auth/signup', { method: 'POST', body, anonymous: true });
}
