import { StatusBanner } from '../app/StatusBanner';

export function CounterApp() {
  return (
    <div className="counter">
      <StatusBanner />
    </div>
  );
}
