import { useEffect, useId, useRef } from 'react';
import { SUBSCRIBABLE_GROUPS, type EventGroup } from '../../lib/events';

export interface EventChoice {
  /** Every event (`*`), including types added later; the single boxes are then moot. */
  all: boolean;
  types: ReadonlySet<string>;
}

export const NO_EVENTS: EventChoice = { all: false, types: new Set() };

/**
 * Which events an endpoint receives: All events, or types ticked one by one, grouped by object
 * (each group's own box ticks or clears the whole group). Native checkboxes in fieldsets: Tab and
 * Space work, and a reader hears each group's name.
 */
export function EventPicker({
  value,
  onChange,
  error,
}: {
  value: EventChoice;
  onChange: (next: EventChoice) => void;
  error: string | undefined;
}) {
  const errorId = useId();
  const toggle = (types: readonly string[], on: boolean) => {
    const next = new Set(value.types);
    for (const type of types) {
      if (on) next.add(type);
      else next.delete(type);
    }
    onChange({ all: value.all, types: next });
  };

  return (
    <fieldset
      className="event-picker"
      aria-describedby={error !== undefined ? errorId : undefined}
      aria-invalid={error !== undefined}
    >
      <legend>Events to send</legend>
      <label className="choice event-picker__all">
        <input
          type="checkbox"
          name="allEvents"
          checked={value.all}
          onChange={(event) => onChange({ all: event.target.checked, types: value.types })}
        />
        <span>
          All events
          <span className="field__hint event-picker__note">
            Every type, including ones added later.
          </span>
        </span>
      </label>
      <div className="event-picker__groups">
        {SUBSCRIBABLE_GROUPS.map((group) => (
          <EventGroupChoices
            key={group.object}
            group={group}
            all={value.all}
            chosen={value.types}
            onToggle={toggle}
          />
        ))}
      </div>
      {error !== undefined && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function EventGroupChoices({
  group,
  all,
  chosen,
  onToggle,
}: {
  group: EventGroup;
  all: boolean;
  chosen: ReadonlySet<string>;
  onToggle: (types: readonly string[], on: boolean) => void;
}) {
  const picked = group.types.filter((type) => chosen.has(type)).length;
  const whole = useRef<HTMLInputElement>(null);
  const some = !all && picked > 0 && picked < group.types.length;
  useEffect(() => {
    if (whole.current) whole.current.indeterminate = some;
  }, [some]);

  return (
    <fieldset className="event-picker__group" disabled={all}>
      <legend>
        <label className="choice">
          <input
            ref={whole}
            type="checkbox"
            // A disabled fieldset leaves the controls of its legend enabled.
            disabled={all}
            checked={all || picked === group.types.length}
            onChange={(event) => onToggle(group.types, event.target.checked)}
          />
          <span>{group.label}</span>
        </label>
      </legend>
      {group.types.map((type) => (
        <label key={type} className="choice">
          <input
            type="checkbox"
            name="enabledEvents"
            value={type}
            checked={all || chosen.has(type)}
            onChange={(event) => onToggle([type], event.target.checked)}
          />
          <code>{type}</code>
        </label>
      ))}
    </fieldset>
  );
}
