/**
 * The mailbox an email address delivers to, so that two customers who wrote the same inbox two
 * ways (`Ada.Lovelace+shop@gmail.com`, `adalovelace@googlemail.com`) are found as duplicates.
 * Not a uniqueness key: only the exact email identity (`emailIdentity`) is unique; this one only
 * finds candidates, so a rule here may be generous but never joins two inboxes a provider keeps
 * apart.
 *
 * - Everything is lower-cased and NFC-normalised (the same text typed on two keyboards).
 * - The domain is IDN-normalised to its ASCII (punycode) form with the WHATWG URL parser, which
 *   browsers and Node share: `bücher.de` and `xn--bcher-kva.de` are one domain.
 * - Gmail ignores dots in the local part and everything from a `+`; `googlemail.com` is the same
 *   service as `gmail.com`.
 * - Providers that document subaddressing drop the `+tag` (see `SUBADDRESSING_DOMAINS`).
 * - Every other domain keeps its local part as written: dots and `+` may name different inboxes
 *   there.
 */
export function mailboxIdentity(email: string): string {
  const normalised = email.trim().normalize('NFC').toLowerCase();
  const at = normalised.lastIndexOf('@');
  if (at <= 0 || at === normalised.length - 1) return normalised;
  const domain = canonicalDomain(asciiDomain(normalised.slice(at + 1)));
  const local = mailboxLocalPart(normalised.slice(0, at), domain);
  return `${local}@${domain}`;
}

/** Gmail's consumer domains, with the one it answers to. */
const GMAIL_DOMAINS: Readonly<Record<string, string>> = {
  'gmail.com': 'gmail.com',
  'googlemail.com': 'gmail.com',
};

/**
 * Domains whose provider documents `+tag` subaddressing for every mailbox:
 * - Microsoft's Outlook.com consumer service ("Plus addressing in Outlook.com"): outlook.com,
 *   hotmail.com, live.com, msn.com and the country domains it still hands out or hosts for old
 *   accounts (hotmail.co.uk, hotmail.fr, hotmail.de, hotmail.it, hotmail.es, live.co.uk, live.fr,
 *   outlook.fr, outlook.de, outlook.es, outlook.it) — one service, one rule;
 * - Apple iCloud Mail: icloud.com, me.com, mac.com;
 * - Fastmail: fastmail.com, fastmail.fm;
 * - Proton Mail: proton.me, protonmail.com, protonmail.ch, pm.me.
 * Company domains hosted on these services are not listed: whether they honour tags is the
 * company's configuration, which nothing here can see.
 */
export const SUBADDRESSING_DOMAINS: ReadonlySet<string> = new Set([
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'hotmail.it',
  'hotmail.es',
  'live.co.uk',
  'live.fr',
  'outlook.fr',
  'outlook.de',
  'outlook.es',
  'outlook.it',
  'icloud.com',
  'me.com',
  'mac.com',
  'fastmail.com',
  'fastmail.fm',
  'proton.me',
  'protonmail.com',
  'protonmail.ch',
  'pm.me',
]);

function canonicalDomain(domain: string): string {
  return GMAIL_DOMAINS[domain] ?? domain;
}

function mailboxLocalPart(local: string, domain: string): string {
  if (domain === 'gmail.com') return keepUnlessEmpty(withoutTag(local).replaceAll('.', ''), local);
  if (SUBADDRESSING_DOMAINS.has(domain)) return keepUnlessEmpty(withoutTag(local), local);
  return local;
}

function withoutTag(local: string): string {
  const plus = local.indexOf('+');
  return plus === -1 ? local : local.slice(0, plus);
}

/** `+tag@gmail.com` has no mailbox name left to compare: it stays as written. */
function keepUnlessEmpty(mailbox: string, local: string): string {
  return mailbox.length > 0 ? mailbox : local;
}

/** Characters that would make the URL parser read something other than a host name. */
const NOT_A_HOST = /[\s/\\?#@:%[\]]/u;

/**
 * The ASCII form of a domain (UTS #46 mapping, punycode), as browsers and Node both compute it for
 * URLs. A domain the parser refuses stays as written: it still compares with itself.
 */
function asciiDomain(domain: string): string {
  if (isAscii(domain) || NOT_A_HOST.test(domain)) return domain;
  try {
    return new URL(`http://${domain}`).hostname;
  } catch {
    return domain;
  }
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
