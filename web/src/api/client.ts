import { exportUserPath, type ExportUsersQuery } from "./exports";
import { tokenStore } from "./tokenStore";
import type {
  ErrorBody,
  ExportUserDetail,
  ExportUserList,
  JobList,
  ResultsPage,
  StartRequest,
  StartResponse,
  StatusSnapshot,
} from "./types";

/** An API call that failed: `status` 0 means the server could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = tokenStore.getState().token;
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  if (token) headers.set("Authorization", `Bearer ${token}`);

  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, cache: "no-store" });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "unreachable", "The MediaBatch server cannot be reached.");
  }

  if (response.status === 401) tokenStore.markRejected(token);

  const text = await response.text().catch(() => "");
  const body = parseJSON(text);
  if (!response.ok) {
    const apiError = (body as Partial<ErrorBody> | undefined)?.error;
    throw new ApiError(
      response.status,
      apiError?.code ?? `http_${response.status}`,
      apiError?.message ?? `The server answered ${response.status} ${response.statusText}.`,
    );
  }
  return body as T;
}

function parseJSON(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  const encoded = search.toString();
  return encoded ? `?${encoded}` : "";
}

export interface ResultsQuery {
  status?: "succeeded" | "failed" | "stopped";
  limit?: number;
  cursor?: string;
}

export const api = {
  status(signal?: AbortSignal): Promise<StatusSnapshot> {
    return request("/batch-process-status", { signal });
  },

  start(body: StartRequest): Promise<StartResponse> {
    return request("/batch-process-users", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  },

  stop(): Promise<StartResponse> {
    return request("/batch-process-stop", { method: "POST", headers: { "Content-Type": "application/json" } });
  },

  results(params: ResultsQuery, signal?: AbortSignal): Promise<ResultsPage> {
    return request(`/batch-process-results${query({ ...params })}`, { signal });
  },

  jobs(signal?: AbortSignal): Promise<JobList> {
    return request("/jobs", { signal });
  },

  exportUsers(params: ExportUsersQuery, signal?: AbortSignal): Promise<ExportUserList> {
    return request(`/exports/users${query({ ...params })}`, { signal });
  },

  exportUser(userId: string, signal?: AbortSignal): Promise<ExportUserDetail> {
    return request(exportUserPath(userId), { signal });
  },

  /** EventSource cannot send headers, so the token travels as a query parameter. */
  eventsURL(): string {
    const token = tokenStore.getState().token;
    return `/batch-process-events${query({ access_token: token ?? undefined })}`;
  },
};
