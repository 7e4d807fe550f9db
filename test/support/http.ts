/** A tiny typed HTTP client for the e2e suite: every call answers `{status, headers, body}`. */

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpResponse<T = unknown> {
  method: Method;
  path: string;
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON (`application/json` or `application/problem+json`), else the text. */
  body: T;
  text: string;
}

export interface SendOptions {
  /** A value sent as JSON with `content-type: application/json`. */
  json?: unknown;
  /** A raw body, sent as is with `contentType` (or none). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Overrides the client's token; `null` sends no Authorization header. */
  token?: string | null;
}

export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: the global setup must start the stack first');
  return url.replace(/\/$/, '');
}

/** Every gateway replica of the stack (the split shape may run several); the base URL otherwise. */
export function gatewayUrls(): string[] {
  const urls = (process.env.E2E_GATEWAY_URLS ?? '').split(',').filter((url) => url !== '');
  return urls.length > 0 ? urls.map((url) => url.replace(/\/$/, '')) : [baseUrl()];
}

export class Api {
  /** `base` targets one gateway replica; by default the stack's base URL. */
  constructor(
    readonly token?: string,
    readonly base?: string,
  ) {}

  url(path: string): string {
    return (this.base ?? baseUrl()) + path;
  }

  get<T = unknown>(path: string, options: SendOptions = {}): Promise<HttpResponse<T>> {
    return this.send<T>('GET', path, options);
  }

  post<T = unknown>(path: string, json?: unknown, options: SendOptions = {}): Promise<HttpResponse<T>> {
    return this.send<T>('POST', path, json === undefined ? options : { ...options, json });
  }

  patch<T = unknown>(path: string, json?: unknown, options: SendOptions = {}): Promise<HttpResponse<T>> {
    return this.send<T>('PATCH', path, json === undefined ? options : { ...options, json });
  }

  delete<T = unknown>(path: string, options: SendOptions = {}): Promise<HttpResponse<T>> {
    return this.send<T>('DELETE', path, options);
  }

  async send<T = unknown>(method: Method, path: string, options: SendOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? this.token : options.token;
    if (token) headers['authorization'] = `Bearer ${token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.raw !== undefined) {
      body = options.raw;
      if (options.contentType) headers['content-type'] = options.contentType;
    }
    const response = await fetch(this.url(path), { method, headers, body });
    const text = await response.text();
    return { method, path, status: response.status, headers: response.headers, body: parseBody(response.headers, text) as T, text };
  }
}

function parseBody(headers: Headers, text: string): unknown {
  const type = headers.get('content-type') ?? '';
  if (text === '' || !/[/+]json\b/.test(type)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Fails with the request and the whole answer, so a wrong status explains itself. */
export function expectStatus(response: HttpResponse<unknown>, status: number): void {
  if (response.status !== status) {
    throw new Error(`${response.method} ${response.path} answered ${response.status}, expected ${status}: ${response.text.slice(0, 1000)}`);
  }
}
