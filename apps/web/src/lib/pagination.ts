/** Where a page starts: the first page, after an id (older), or before an id (newer). */
export interface PageCursor {
  startingAfter?: string;
  endingBefore?: string;
}

export const FIRST_PAGE: PageCursor = {};

export function isFirstPage(cursor: PageCursor): boolean {
  return cursor.startingAfter === undefined && cursor.endingBefore === undefined;
}

/**
 * A list screen keeps its page in the URL (?after=, ?before=) so reload, back and links keep it:
 * the cursor read from the URL, and the URL's parameters for a cursor.
 */
export function cursorFromParams(params: URLSearchParams): PageCursor {
  const after = params.get('after');
  const before = params.get('before');
  if (after) return { startingAfter: after };
  if (before) return { endingBefore: before };
  return {};
}

export function cursorParams(cursor: PageCursor): Record<string, string> {
  return {
    ...(cursor.startingAfter && { after: cursor.startingAfter }),
    ...(cursor.endingBefore && { before: cursor.endingBefore }),
  };
}

export interface PageLinks {
  /** Older customers: the page after this one's last row. */
  next: PageCursor | null;
  /** Newer customers: the page before this one's first row. */
  previous: PageCursor | null;
}

/**
 * Lists are newest first and `hasMore` only speaks for the direction just travelled
 * (Stripe's convention): going forward it says whether older rows follow; going back,
 * whether newer rows precede. The other direction is known from how we got here.
 */
export function pageLinks(
  cursor: PageCursor,
  page: { data: readonly { id: string }[]; hasMore: boolean },
): PageLinks {
  const first = page.data[0];
  const last = page.data.at(-1);
  const wentBack = cursor.endingBefore !== undefined;
  const onFirstPage = !wentBack && cursor.startingAfter === undefined;

  const hasOlder = wentBack ? true : page.hasMore;
  const hasNewer = wentBack ? page.hasMore : !onFirstPage;

  return {
    next: hasOlder && last ? { startingAfter: last.id } : null,
    previous: hasNewer && first ? { endingBefore: first.id } : null,
  };
}
