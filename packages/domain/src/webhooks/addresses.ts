import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may be sent (SSRF guard). Only public unicast addresses in live mode; test mode
 * also allows loopback, so a merchant's local receiver and our tests work. Everything else —
 * private, link-local (the cloud metadata service at 169.254.169.254), unique-local, carrier-grade
 * NAT (another metadata address, 100.100.100.200), multicast, reserved, and IPv6 forms that embed
 * an IPv4 address — is refused in both modes.
 */
export function addressProblem(address: string, livemode: boolean): string | undefined {
  if (!ipaddr.isValid(address)) return `'${address}' is not an IP address.`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && !livemode) return undefined;
  const shown = parsed.toString();
  return range === 'loopback'
    ? `${shown} is a loopback address; live endpoints must be reachable on the internet.`
    : `${shown} is a ${range} address, not a public one.`;
}

const MAX_URL_LENGTH = 2048;

/**
 * What is wrong with a webhook URL as typed, before any DNS: live mode wants https; no
 * credentials in the URL; an IP literal host must pass `addressProblem`; `localhost` is loopback.
 * Hostnames are checked again after DNS, at creation and at every delivery.
 */
export function webhookUrlProblem(text: string, livemode: boolean): string | undefined {
  if (text.length > MAX_URL_LENGTH) return `At most ${MAX_URL_LENGTH} characters.`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Not a URL: send an absolute https:// URL.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Send an https:// URL.';
  if (livemode && url.protocol !== 'https:') return 'Live-mode endpoints must use https://.';
  if (url.username || url.password) return 'A URL may not carry a user name or password.';
  if (url.hash) return 'A URL may not carry a #fragment.';
  const host = hostOf(url);
  if (ipaddr.isValid(host)) return addressProblem(host, livemode);
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return livemode ? 'localhost is a loopback address; live endpoints must be public.' : undefined;
  }
  if (!host.includes('.')) return `'${host}' is not a public host name.`;
  return undefined;
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}
