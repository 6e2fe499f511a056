import { useLocation, useNavigate } from 'react-router';
import { useDashboard } from '../app/DashboardClients';

/**
 * Stripe-style test/live switch. Objects of one environment do not exist in the other, so a
 * detail page goes back to its list when the environment changes.
 */
export function EnvironmentSwitch() {
  const { environment, switchEnvironment } = useDashboard();
  const location = useLocation();
  const navigate = useNavigate();
  const testMode = environment === 'test';

  function toggle() {
    const section = location.pathname.split('/')[1] ?? '';
    if (location.pathname !== `/${section}`) void navigate(`/${section}`);
    switchEnvironment(testMode ? 'live' : 'test');
  }

  return (
    <button
      type="button"
      role="switch"
      aria-checked={testMode}
      className={`env-switch${testMode ? ' env-switch--test' : ''}`}
      onClick={toggle}
    >
      <span className="env-switch__track" aria-hidden="true">
        <span className="env-switch__thumb" />
      </span>
      <span>Test mode</span>
    </button>
  );
}
