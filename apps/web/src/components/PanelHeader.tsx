/**
 * A customer-page section's heading, with the button that adds to it for those allowed to, and
 * the line below that announces what the last action did.
 */
export function PanelHeader({
  headingId,
  title,
  action,
  notice,
  warning = false,
}: {
  headingId: string;
  title: string;
  /** Left out for those who may only read. */
  action?: { label: string; onClick: () => void } | undefined;
  notice: string | undefined;
  warning?: boolean;
}) {
  return (
    <>
      <div className="panel__header">
        <h2 id={headingId}>{title}</h2>
        {action && (
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={action.onClick}
          >
            {action.label}
          </button>
        )}
      </div>
      <div className={`status-line${warning ? ' status-line--warning' : ''}`} role="status">
        {notice}
      </div>
    </>
  );
}
