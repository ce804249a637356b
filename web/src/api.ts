/** GET requests to /api with query parameters; a non-2xx reply becomes an Error carrying the server's reason. */
export type Query = Record<string, string | number | boolean | null | undefined>;

/** The capture the dashboard is narrowed to (the capture picker), or null for all captures merged. */
let pickedCapture: number | null = null;

export function pickCapture(id: number | null): void {
  pickedCapture = id;
}

export function pickedCaptureId(): number | null {
  return pickedCapture;
}

export async function getJson<T>(path: string, query: Query = {}): Promise<T> {
  const params = new URLSearchParams();
  // Every read but the capture list takes `capture`: the pick narrows them all, whichever view asks.
  const narrowed = pickedCapture !== null && !path.startsWith('/captures') ? { capture: pickedCapture, ...query } : query;
  for (const [name, value] of Object.entries(narrowed)) if (value !== null && value !== undefined && value !== '') params.set(name, String(value));
  const search = params.size > 0 ? `?${params.toString()}` : '';
  const response = await fetch(`/api${path}${search}`, { headers: { accept: 'application/json' } });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error((body as { message?: string }).message ?? `${response.status} ${response.statusText}`);
  return body as T;
}
