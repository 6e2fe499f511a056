import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressProblem, hostOf, webhookUrlProblem } from '@peasswap/domain';

/** Every address a host name resolves to (A and AAAA). Tests give their own. */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** A name that takes longer than this to resolve is treated as not resolving. */
const DNS_TIMEOUT_MS = 5_000;

export const systemResolver: HostResolver = async (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`DNS lookup of ${hostname} timed out`)),
      DNS_TIMEOUT_MS,
    );
  });
  try {
    const entries = await Promise.race([lookup(hostname, { all: true, verbatim: true }), timeout]);
    return entries.map((entry) => entry.address);
  } finally {
    clearTimeout(timer);
  }
};

export type Destination =
  | { ok: true; host: string; addresses: string[] }
  | { ok: false; reason: 'url_refused' | 'dns_failed' | 'address_refused'; message: string };

/**
 * Where a webhook URL leads, checked (SSRF guard): the URL's own rules, then every address its
 * host resolves to must be allowed (`addressProblem`), not just one, so a name that also points
 * inside the network is refused. Run at creation and again at every delivery, whose connection
 * then goes to one of exactly these addresses (never a second lookup that could answer otherwise).
 */
export async function checkDestination(
  url: string,
  livemode: boolean,
  resolve: HostResolver = systemResolver,
): Promise<Destination> {
  const urlProblem = webhookUrlProblem(url, livemode);
  if (urlProblem) return { ok: false, reason: 'url_refused', message: urlProblem };
  const host = hostOf(new URL(url));
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      return { ok: false, reason: 'dns_failed', message: `'${host}' does not resolve.` };
    }
    if (addresses.length === 0) {
      return { ok: false, reason: 'dns_failed', message: `'${host}' does not resolve.` };
    }
  }
  for (const address of addresses) {
    const problem = addressProblem(address, livemode);
    if (problem) {
      return {
        ok: false,
        reason: 'address_refused',
        message: isIP(host) ? problem : `'${host}' resolves to ${problem}`,
      };
    }
  }
  return { ok: true, host, addresses };
}
