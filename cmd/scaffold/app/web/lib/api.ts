// The one API client of this app, used by the browser and by the server.
// Every call sets `credentials`, login included, parses the API's error shape
// into an ApiError.

import { browserApiUrl, credentials } from "./config";

export type User = {
  id: string;
  email: string;
};

export type Note = {
  id: string;
  title: string;
  body: string;
  created_at: string;
};

export type Credentials = {
  email: string;
  password: string;
};

export type NewNote = {
  title: string;
  body: string;
};

/** The codes of the API's errors, plus "network" when it could not be reached. */
export type ErrorCode =
  | "invalid_json"
  | "validation_failed"
  | "unauthenticated"
  | "invalid_credentials"
  | "invalid_token"
  | "csrf"
  | "not_found"
  | "method_not_allowed"
  | "email_taken"
  | "payload_too_large"
  | "rate_limited"
  | "internal"
  | "network";

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** Per-field messages of a validation_failed error, keyed by field name. */
  readonly fields: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** Turns anything thrown by an API call into an ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) {
    return err;
  }
  return new ApiError(0, "internal", "Something went wrong. Please try again.");
}

type RequestOptions = {
  method?: "GET" | "POST" | "DELETE";
  body?: unknown;
  /** False for calls whose 401 means "wrong credentials", not "token expired". */
  retryOn401?: boolean;
};

export type ApiTarget = {
  baseUrl: string;
  /** Extra headers, e.g. the browser's Cookie header forwarded by the server. */
  headers?: Record<string, string>;
};

export function createApi(target: ApiTarget) {
  async function send(path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      ...target.headers,
    };
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    try {
      return await fetch(`${target.baseUrl}${path}`, {
        method: opts.method ?? "GET",
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        credentials,
        cache: "no-store",
      });
    } catch {
      // fetch rejects without a response when the API is down or, in the
      // browser, when CORS refused the request.
      throw new ApiError(0, "network", "Cannot reach the API. Please try again.");
    }
  }

  async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await send(path, opts);
    if (!res.ok) {
      throw await readError(res);
    }
    if (res.status === 204) {
      return undefined as T;
    }
    return (await res.json()) as T;
  }

  return {
    me: () => request<{ user: User }>("/api/auth/me").then((r) => r.user),
    register: (c: Credentials) =>
      request<{ user: User }>("/api/auth/register", {
        method: "POST",
        body: c,
        retryOn401: false,
      }).then((r) => r.user),
    login: (c: Credentials) =>
      request<{ user: User }>("/api/auth/login", {
        method: "POST",
        body: c,
        retryOn401: false,
      }).then((r) => r.user),
    logout: () => request<void>("/api/auth/logout", { method: "POST" }),
    listNotes: () => request<{ notes: Note[] }>("/api/notes").then((r) => r.notes),
    createNote: (n: NewNote) =>
      request<{ note: Note }>("/api/notes", { method: "POST", body: n }).then(
        (r) => r.note,
      ),
    deleteNote: (id: string) =>
      request<void>(`/api/notes/${encodeURIComponent(id)}`, { method: "DELETE" }),
  };
}

export type Api = ReturnType<typeof createApi>;

/** The client for code running in the browser. */
export const api = createApi({ baseUrl: browserApiUrl });

async function readError(res: Response): Promise<ApiError> {
  const fallback = `The API answered ${res.status} ${res.statusText}.`.trim();
  try {
    const data: unknown = await res.json();
    if (isErrorBody(data)) {
      const { code, message, fields } = data.error;
      return new ApiError(res.status, code, message || fallback, fields);
    }
  } catch {
    // Not JSON: a proxy or server error page.
  }
  return new ApiError(res.status, codeOf(res.status), fallback);
}

function codeOf(status: number): ErrorCode {
  switch (status) {
    case 401:
      return "unauthenticated";
    case 404:
      return "not_found";
    case 413:
      return "payload_too_large";
    case 429:
      return "rate_limited";
    default:
      return "internal";
  }
}

function isErrorBody(
  data: unknown,
): data is { error: { code: ErrorCode; message: string; fields?: Record<string, string> } } {
  if (typeof data !== "object" || data === null || !("error" in data)) {
    return false;
  }
  const error = (data as { error: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}
