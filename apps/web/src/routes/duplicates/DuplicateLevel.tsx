import type { DuplicateGroup } from '../../lib/types';

/** "Likely" or "Possible", as a badge. */
export function DuplicateLevel({ level }: { level: DuplicateGroup['level'] }) {
  return (
    <span className={`status-badge status-badge--dup-${level}`}>
      {level === 'likely' ? 'Likely' : 'Possible'}
    </span>
  );
}
