import { StatusBanner } from '../app/StatusBanner';

export function DisplayApp() {
  return (
    <div className="display">
      <StatusBanner />
    </div>
  );
}
