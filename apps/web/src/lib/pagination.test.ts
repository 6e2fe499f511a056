import { describe, expect, it } from 'vitest';
import { cursorFromParams, cursorParams, FIRST_PAGE, isFirstPage, pageLinks } from './pagination';

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

describe('the cursor in the URL', () => {
  it('reads ?after= or ?before=, else the first page', () => {
    expect(cursorFromParams(new URLSearchParams('after=cus_1'))).toEqual({
      startingAfter: 'cus_1',
    });
    expect(cursorFromParams(new URLSearchParams('before=cus_2'))).toEqual({
      endingBefore: 'cus_2',
    });
    expect(cursorFromParams(new URLSearchParams('q=ada'))).toEqual(FIRST_PAGE);
    expect(isFirstPage(cursorFromParams(new URLSearchParams('')))).toBe(true);
  });

  it('writes back what it reads', () => {
    for (const search of ['after=cus_1', 'before=cus_2', '']) {
      const cursor = cursorFromParams(new URLSearchParams(search));
      expect(new URLSearchParams(cursorParams(cursor)).toString()).toBe(search);
    }
  });
});
