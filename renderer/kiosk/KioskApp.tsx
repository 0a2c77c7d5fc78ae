import { StatusBanner } from '../app/StatusBanner';

export function KioskApp() {
  return (
    <div className="kiosk">
      <StatusBanner />
    </div>
  );
}
