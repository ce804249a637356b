/**
 * Who may use the server. Any web page the user visits can send requests to 127.0.0.1, and
 * through a DNS-rebinding name (evil.example resolving to 127.0.0.1) even read the replies. So:
 *   - every request's Host must name the address served: the bound address and port; for a
 *     loopback or wildcard bind also `localhost`; for a wildcard bind (0.0.0.0, ::) the
 *     machine's own addresses and name; the host as given to --host; and names allowed with
 *     --allow-host (on any port: a reverse proxy's name);
 *   - a request that changes something (an upload) or opens the live socket must not come from
 *     a foreign page: its Origin, when sent, must be this server or one allowed with --allow-origin.
 *     Without an Origin (curl, a same-origin GET) it is fine.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { InputError } from '../capture/input-error.js';

export interface AccessOptions {
  /** The host the server was told to listen on, as given (a name such as mcast.lan is then a valid Host). */
  listenHost?: string;
  /** More names a Host header may carry, on any port (--allow-host). */
  allowHosts?: readonly string[];
  /** More origins (scheme://host[:port]) whose pages may use the server (--allow-origin). */
  allowOrigins?: readonly string[];
}

export interface BoundAddress {
  address: string;
  port: number;
}

const WILDCARDS = new Set(['0.0.0.0', '::']);
/** What a Host header may hold: a name or address and a port; no user, path or spaces for URL parsing to reinterpret. */
const HOST_TEXT = /^[A-Za-z0-9._~%:[\]-]+$/;
const isLoopback = (address: string) => address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');

/** A host name or address as Host headers and URLs compare: lower case, IPv6 without brackets. */
function hostKey(name: string): string {
  return name.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** An --allow-host value: a host name or an address, without port or path. */
export function parseAllowedHost(text: string): string {
  const bracketed = text.includes(':') && !text.startsWith('[') ? `[${text}]` : text;
  const url = hostUrl(bracketed);
  if (url === null || url.port !== '') {
    throw new InputError(`--allow-host: '${text}' is not a host name or address (such as mcast.example.org, without port)`, 'usage');
  }
  return hostKey(url.hostname);
}

/** An --allow-origin value: scheme://host[:port], as a browser sends it. */
export function parseAllowedOrigin(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new InputError(`--allow-origin: '${text}' is not an origin (scheme://host[:port], such as https://mcast.example.org)`, 'usage');
  }
  return url.origin;
}

export class AccessPolicy {
  private readonly names: Set<string>;
  private readonly anyPortNames: Set<string>;
  private readonly origins: Set<string>;

  /** `bound`: the addresses the server listens on now (none before it listens). */
  constructor(options: AccessOptions, private readonly bound: () => BoundAddress[]) {
    this.names = new Set(options.listenHost === undefined ? [] : [hostKey(options.listenHost)]);
    this.anyPortNames = new Set((options.allowHosts ?? []).map(hostKey));
    this.origins = new Set(options.allowOrigins ?? []);
  }

  /** Why a request with these headers is refused (a one-line reason), or null when it may go on. */
  refusal(headers: IncomingHttpHeaders, changesState: boolean): string | null {
    const host = headers.host;
    if (host === undefined) return 'no Host header: this server answers requests for its own address only';
    if (!this.isServedHost(host)) return `Host '${host}' is not this server's address (allow it with --allow-host NAME)`;
    const origin = headers.origin;
    if (!changesState || origin === undefined) return null;
    return this.isAllowedOrigin(origin) ? null : `Origin '${origin}' is not this server (allow it with --allow-origin ORIGIN)`;
  }

  private isServedHost(host: string): boolean {
    const url = hostUrl(host);
    if (url === null) return false;
    const name = hostKey(url.hostname);
    if (this.anyPortNames.has(name)) return true;
    const port = url.port === '' ? 80 : Number(url.port);
    const bound = this.bound().filter((entry) => entry.port === port);
    if (bound.length === 0) return false;
    if (this.names.has(name) || bound.some((entry) => entry.address === name)) return true;
    const wildcard = bound.some((entry) => WILDCARDS.has(entry.address));
    if (name === 'localhost') return wildcard || bound.some((entry) => isLoopback(entry.address));
    return wildcard && (name === hostname().toLowerCase() || ownAddresses().has(name));
  }

  private isAllowedOrigin(origin: string): boolean {
    const url = URL.canParse(origin) ? new URL(origin) : null;
    if (url === null) return false;
    return this.origins.has(url.origin) || (url.protocol === 'http:' && this.isServedHost(url.host));
  }
}

/** `host` (name or address, optional port) read as the authority of an http URL, or null when it is not one. */
function hostUrl(host: string): URL | null {
  return HOST_TEXT.test(host) && URL.canParse(`http://${host}`) ? new URL(`http://${host}`) : null;
}

function ownAddresses(): Set<string> {
  return new Set(Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address.toLowerCase())));
}
