import type { PageLinks } from '../lib/pagination';

/** Previous / Next for keyset pages; both off while the next page is on its way. */
export function Pager({
  label,
  links,
  busy,
  onPage,
}: {
  label: string;
  links: PageLinks;
  busy: boolean;
  onPage: (cursor: NonNullable<PageLinks['next']>) => void;
}) {
  if (links.previous === null && links.next === null) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="button button--secondary"
        disabled={links.previous === null || busy}
        onClick={() => links.previous && onPage(links.previous)}
      >
        Previous
      </button>
      <button
        type="button"
        className="button button--secondary"
        disabled={links.next === null || busy}
        onClick={() => links.next && onPage(links.next)}
      >
        Next
      </button>
    </nav>
  );
}
