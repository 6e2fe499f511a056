import { describe, expect, it } from 'vitest';
import { FIRST_PAGE, pageLinks } from './pagination';

const rows = (...ids: string[]) => ids.map((id) => ({ id }));

describe('pageLinks', () => {
  it('offers only Next on a full first page', () => {
    expect(pageLinks(FIRST_PAGE, { data: rows('cus_c', 'cus_b'), hasMore: true })).toEqual({
      next: { startingAfter: 'cus_b' },
      previous: null,
    });
  });

  it('offers nothing when the first page is the only one', () => {
    expect(pageLinks(FIRST_PAGE, { data: rows('cus_c'), hasMore: false })).toEqual({
      next: null,
      previous: null,
    });
  });

  it('going forward, hasMore decides Next and Previous is always there', () => {
    const cursor = { startingAfter: 'cus_d' };
    expect(pageLinks(cursor, { data: rows('cus_c', 'cus_b'), hasMore: false })).toEqual({
      next: null,
      previous: { endingBefore: 'cus_c' },
    });
  });

  it('going back, hasMore decides Previous and Next is always there', () => {
    const cursor = { endingBefore: 'cus_b' };
    expect(pageLinks(cursor, { data: rows('cus_d', 'cus_c'), hasMore: true })).toEqual({
      next: { startingAfter: 'cus_c' },
      previous: { endingBefore: 'cus_d' },
    });
    expect(pageLinks(cursor, { data: rows('cus_d', 'cus_c'), hasMore: false })).toEqual({
      next: { startingAfter: 'cus_c' },
      previous: null,
    });
  });

  it('offers no cursor from an empty page', () => {
    expect(pageLinks({ startingAfter: 'cus_a' }, { data: [], hasMore: false })).toEqual({
      next: null,
      previous: null,
    });
  });
});
