import { Metadata } from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/min/metadata';

/**
 * The answer `parsePhoneNumberWithError(text, …)` then `isValid()` and `.number` give for text
 * already in E.164 (`+14155550123`), as `{ e164 }` (undefined for an invalid number), computed
 * from the same metadata (the 'min' set the library's default entry point uses) with each of its
 * patterns compiled once. The library builds a `RegExp` from a pattern of hundreds of characters
 * on every test, five to seven times a number: that was most of an import's time on a row.
 *
 * It follows the library's path for such text step by step (calling code, national prefix, the
 * country among those sharing the code, the number's type) and answers `'decline'` wherever that
 * path would branch into something it does not repeat (a national prefix to strip, a
 * non-geographic calling code): the caller then asks the library itself. e164.test.ts holds the
 * two to the same answers over every calling code.
 */
export type E164Answer = { e164: string | undefined } | 'decline';

/** `+`, a calling code that does not start with 0, and 8 to 15 digits in all: E.164's shape. */
const E164_SHAPE = /^\+[1-9]\d{7,14}$/;
/**
 * International input as people group it (`+1 (415) 555-0123`, `+44 20.7946.0958`): spaces,
 * dashes, dots and brackets are all in the library's punctuation, which it drops before anything
 * else. Tabs, other spaces and letters are not, and stay the library's to judge.
 */
const INTERNATIONAL_WRITTEN = /^\+[\d .()-]{8,40}$/;
const NOT_DIGIT = /\D/g;
const MAX_CALLING_CODE_LENGTH = 3;

/** What libphonenumber-js's Metadata class answers; its declared type names only a little of it. */
interface NumberingPlanView {
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(type: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}
interface MetadataView {
  hasCallingCode(callingCode: string): boolean;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  selectNumberingPlan(countryOrCallingCode: string): void;
  numberingPlan: NumberingPlanView;
}

/** The types getNumberType tries, fixed line first; any match makes a number valid. */
const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
];

interface TypeRule {
  pattern: RegExp;
  lengths: readonly number[] | undefined;
}

/** One numbering plan (a country's, or a calling code's main country's), compiled. */
interface Plan {
  nationalNumber: RegExp;
  /** undefined when the plan has no type patterns. */
  types: TypeRule[] | undefined;
  leadingDigits: RegExp | undefined;
  nationalPrefix: RegExp | undefined;
}

const metadata = new Metadata(metadataJson) as unknown as MetadataView;
const plans = new Map<string, Plan>();

const entirely = (pattern: string) => new RegExp(`^(?:${pattern})$`);

/** A country's or calling code's plan, as `selectNumberingPlan` picks it. */
function planOf(countryOrCallingCode: string): Plan {
  let plan = plans.get(countryOrCallingCode);
  if (plan) return plan;
  metadata.selectNumberingPlan(countryOrCallingCode);
  const view = metadata.numberingPlan;
  let types: TypeRule[] | undefined;
  if (view.hasTypes()) {
    types = [];
    for (const name of NUMBER_TYPES) {
      const type = view.type(name);
      // A type without a pattern never matches (isNumberTypeEqualTo).
      if (!type?.pattern()) continue;
      types.push({ pattern: entirely(type.pattern()), lengths: type.possibleLengths() });
    }
  }
  const leadingDigits = view.leadingDigits();
  const nationalPrefix = view.nationalPrefixForParsing();
  plan = {
    nationalNumber: entirely(view.nationalNumberPattern()),
    types,
    leadingDigits: leadingDigits ? new RegExp(leadingDigits) : undefined,
    nationalPrefix: nationalPrefix ? new RegExp(`^(?:${nationalPrefix})`) : undefined,
  };
  plans.set(countryOrCallingCode, plan);
  return plan;
}

/** getNumberType(…) !== undefined: the national pattern, then any type's lengths and pattern. */
function hasType(plan: Plan, nationalNumber: string): boolean {
  if (!plan.nationalNumber.test(nationalNumber)) return false;
  return (plan.types ?? []).some(
    (type) =>
      (type.lengths === undefined || type.lengths.includes(nationalNumber.length)) &&
      type.pattern.test(nationalNumber),
  );
}

/** getCountryByCallingCode: the only country, else the first whose leading digits or types fit. */
function countryOf(countries: readonly string[], nationalNumber: string): string | undefined {
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    const plan = planOf(country);
    if (plan.leadingDigits) {
      if (nationalNumber.search(plan.leadingDigits) === 0) return country;
    } else if (hasType(plan, nationalNumber)) {
      return country;
    }
  }
  return undefined;
}

/** e164OfE164 of international input written with the punctuation people use. */
export function e164OfInternational(text: string): E164Answer {
  if (!INTERNATIONAL_WRITTEN.test(text)) return 'decline';
  return e164OfE164(`+${text.slice(1).replace(NOT_DIGIT, '')}`);
}

export function e164OfE164(text: string): E164Answer {
  if (!E164_SHAPE.test(text)) return 'decline';
  let callingCode: string | undefined;
  for (let end = 2; end - 1 <= MAX_CALLING_CODE_LENGTH; end++) {
    const candidate = text.slice(1, end);
    if (metadata.hasCallingCode(candidate)) {
      callingCode = candidate;
      break;
    }
  }
  if (callingCode === undefined) return 'decline';
  const countries = metadata.getCountryCodesForCallingCode(callingCode);
  if (!countries) return 'decline';
  const nationalNumber = text.slice(1 + callingCode.length);
  const main = planOf(callingCode);
  if (main.nationalPrefix?.test(nationalNumber)) return 'decline';
  const country = countryOf(countries, nationalNumber);
  const plan = country === undefined ? main : planOf(country);
  const valid = plan.types
    ? hasType(plan, nationalNumber)
    : plan.nationalNumber.test(nationalNumber);
  return { e164: valid ? `+${callingCode}${nationalNumber}` : undefined };
}
